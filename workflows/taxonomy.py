"""The default taxonomy and the ten pilot public structures of El Kef."""

from __future__ import annotations

from dataclasses import dataclass

COMPLAINT = "complaint"
CORRUPTION_REPORT = "corruption_report"
INFORMATION_REQUEST = "information_request"
PETITION = "petition"
KINDS = (COMPLAINT, CORRUPTION_REPORT, INFORMATION_REQUEST, PETITION)
OTHER = "other"  # the category of what triage could not place


@dataclass(frozen=True)
class CategoryDef:
    code: str
    name_ar: str
    name_fr: str
    name_en: str
    structure: str


CATEGORIES: tuple[CategoryDef, ...] = (
    CategoryDef("water", "الماء", "Eau", "Water", "sonede-kef"),
    CategoryDef("electricity", "الكهرباء", "Électricité", "Electricity", "steg-kef"),
    CategoryDef("sanitation", "التطهير", "Assainissement", "Sanitation", "onas-kef"),
    CategoryDef("waste", "النفايات", "Déchets", "Waste", "kef-municipality"),
    CategoryDef("roads", "الطرقات", "Routes", "Roads", "kef-municipality"),
    CategoryDef(
        "lighting", "الإنارة العمومية", "Éclairage public", "Street lighting", "kef-municipality"
    ),
    CategoryDef(
        "urban_planning", "التهيئة العمرانية", "Urbanisme", "Urban planning", "kef-municipality"
    ),
    CategoryDef("civil_status", "الحالة المدنية", "État civil", "Civil status", "kef-municipality"),
    CategoryDef("health", "الصحة", "Santé", "Health", "health-kef"),
    CategoryDef("education", "التعليم", "Éducation", "Education", "education-kef"),
    CategoryDef("transport", "النقل", "Transport", "Transport", "transport-kef"),
    CategoryDef(
        "public_hygiene",
        "الصحة العمومية والنظافة",
        "Hygiène publique",
        "Public hygiene",
        "kef-municipality",
    ),
    CategoryDef("corruption", "الفساد", "Corruption", "Corruption", "anti-corruption-cell"),
    CategoryDef(
        "access_to_information",
        "النفاذ إلى المعلومة",
        "Accès à l'information",
        "Access to information",
        "kef-municipality",
    ),
    CategoryDef("other", "أخرى", "Autre", "Other", "central-bureau"),
)
CATEGORY_CODES = tuple(c.code for c in CATEGORIES)


@dataclass(frozen=True)
class StructureDef:
    code: str
    level: str  # central, regional, local
    parent: str | None
    name_ar: str
    name_fr: str
    name_en: str
    aliases: tuple[str, ...] = ()


STRUCTURES: tuple[StructureDef, ...] = (
    StructureDef(
        "central-bureau",
        "central",
        None,
        "مكتب العلاقات مع المواطن المركزي",
        "Bureau central des relations avec le citoyen",
        "Central bureau of relations with citizens",
        aliases=("bureau central", "مكتب العلاقات مع المواطن"),
    ),
    StructureDef(
        "anti-corruption-cell",
        "central",
        None,
        "خلية الحوكمة ومكافحة الفساد",
        "Cellule de gouvernance et de lutte contre la corruption",
        "Governance and anti-corruption cell",
        aliases=("cellule anti-corruption", "خلية مكافحة الفساد"),
    ),
    StructureDef(
        "kef-municipality",
        "local",
        "central-bureau",
        "بلدية الكاف",
        "Municipalité du Kef",
        "El Kef municipality",
        aliases=(
            "municipalité",
            "municipalite",
            "mairie",
            "baladia",
            "beladia",
            "البلدية",
            "بلدية",
            "municipality",
            "town hall",
            "el baladiya",
        ),
    ),
    StructureDef(
        "sonede-kef",
        "regional",
        "central-bureau",
        "الشركة الوطنية لاستغلال وتوزيع المياه بالكاف",
        "SONEDE district du Kef",
        "SONEDE El Kef district (water)",
        aliases=("SONEDE", "الصوناد", "صوناد", "الشركة الوطنية لاستغلال وتوزيع المياه", "sonede"),
    ),
    StructureDef(
        "steg-kef",
        "regional",
        "central-bureau",
        "الشركة التونسية للكهرباء والغاز بالكاف",
        "STEG district du Kef",
        "STEG El Kef district (electricity and gas)",
        aliases=("STEG", "الستاغ", "ستاغ", "الشركة التونسية للكهرباء والغاز", "steg"),
    ),
    StructureDef(
        "onas-kef",
        "regional",
        "central-bureau",
        "الديوان الوطني للتطهير بالكاف",
        "ONAS Le Kef",
        "ONAS El Kef (sanitation)",
        aliases=("ONAS", "الأوناس", "اوناس", "الديوان الوطني للتطهير"),
    ),
    StructureDef(
        "equipment-kef",
        "regional",
        "central-bureau",
        "الإدارة الجهوية للتجهيز بالكاف",
        "Direction régionale de l'équipement du Kef",
        "Regional directorate of equipment",
        aliases=("équipement", "equipement", "التجهيز", "direction de l'équipement"),
    ),
    StructureDef(
        "health-kef",
        "regional",
        "central-bureau",
        "الإدارة الجهوية للصحة بالكاف",
        "Direction régionale de la santé du Kef",
        "Regional directorate of health",
        aliases=(
            "hôpital",
            "hopital",
            "santé",
            "المستشفى",
            "مستشفى",
            "الصحة",
            "sbitar",
            "dispensaire",
            "hospital",
        ),
    ),
    StructureDef(
        "education-kef",
        "regional",
        "central-bureau",
        "المندوبية الجهوية للتربية بالكاف",
        "Commissariat régional à l'éducation du Kef",
        "Regional commissariat for education",
        aliases=(
            "école",
            "ecole",
            "lycée",
            "lycee",
            "المدرسة",
            "مدرسة",
            "التربية",
            "المعهد",
            "madrsa",
            "school",
        ),
    ),
    StructureDef(
        "transport-kef",
        "regional",
        "central-bureau",
        "الشركة الجهوية للنقل بالكاف",
        "Société régionale de transport du Kef",
        "Regional transport company of El Kef",
        aliases=("SRT", "الشركة الجهوية للنقل", "الحافلة", "bus"),
    ),
)
STRUCTURE_CODES = tuple(s.code for s in STRUCTURES)

GOVERNORATES = (
    "Ariana",
    "Béja",
    "Ben Arous",
    "Bizerte",
    "Gabès",
    "Gafsa",
    "Jendouba",
    "Kairouan",
    "Kasserine",
    "Kébili",
    "Le Kef",
    "Mahdia",
    "La Manouba",
    "Médenine",
    "Monastir",
    "Nabeul",
    "Sfax",
    "Sidi Bouzid",
    "Siliana",
    "Sousse",
    "Tataouine",
    "Tozeur",
    "Tunis",
    "Zaghouan",
)


def kind_for_category(category: str, hint: str | None = None) -> str:
    """Kind follows category; a petition hint survives for ordinary categories."""
    if category == "corruption" or hint == CORRUPTION_REPORT:
        return CORRUPTION_REPORT
    if category == "access_to_information":
        return INFORMATION_REQUEST
    if hint == PETITION:
        return PETITION
    return COMPLAINT


def category_for_kind_hint(category: str | None, hint: str | None) -> str:
    """A corruption hint overrides any category: such a report must never reach a structure."""
    if hint == CORRUPTION_REPORT:
        return "corruption"
    if category in CATEGORY_CODES:
        return category
    if hint == INFORMATION_REQUEST:
        return "access_to_information"
    return "other"
