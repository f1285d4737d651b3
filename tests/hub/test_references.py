import re

from hub.references import CROCKFORD, find_reference, new_reference, normalise_reference


def test_reference_format() -> None:
    ref = new_reference("KEF")
    assert re.fullmatch(r"KEF-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", ref)
    assert all(c in CROCKFORD for c in ref[4:].replace("-", ""))


def test_references_are_not_sequential() -> None:
    refs = {new_reference("KEF") for _ in range(2000)}
    assert len(refs) == 2000


def test_typed_reference_is_read_leniently() -> None:
    assert normalise_reference("kef-4f7k-2q9m", "KEF") == "KEF-4F7K-2Q9M"
    assert normalise_reference("KEF 4F7K 2Q9M", "KEF") == "KEF-4F7K-2Q9M"
    assert normalise_reference("kef4f7k2q9m", "KEF") == "KEF-4F7K-2Q9M"
    # I and L are read as 1, O as 0
    assert normalise_reference("KEF-IL0O-2Q9M", "KEF") == "KEF-1100-2Q9M"


def test_bad_references_are_refused() -> None:
    assert normalise_reference("TUN-4F7K-2Q9M", "KEF") is None
    assert normalise_reference("KEF-4F7K-2Q9", "KEF") is None
    assert normalise_reference("KEF-4F7K-2Q9U", "KEF") is None  # U is not Crockford


def test_reference_found_in_text() -> None:
    assert find_reference("STATUS kef-4f7k-2q9m please", "KEF") == "KEF-4F7K-2Q9M"
    assert find_reference("حالة KEF 4F7K 2Q9M", "KEF") == "KEF-4F7K-2Q9M"
    assert find_reference("no reference here", "KEF") is None
