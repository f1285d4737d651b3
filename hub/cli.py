"""The `hub` command line."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Annotated

import typer

from hub import logs

app = typer.Typer(
    help="Petition hub: complaints, petitions and corruption reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
users_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained case history.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")


def _settings():  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    from hub.settings import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            typer.echo(f"configuration error: {error['msg']}", err=True)
        raise typer.Exit(2) from None


async def _migrate_and_seed(database_url: str) -> None:
    from hub.db import make_engine, make_sessionmaker
    from hub.migrate import upgrade
    from hub.seed import ensure_defaults

    settings = _settings()
    await asyncio.to_thread(upgrade, database_url)
    engine = make_engine(settings)
    async with make_sessionmaker(engine)() as session:
        await ensure_defaults(session)
    await engine.dispose()


@app.command()
def migrate() -> None:
    """Bring the database schema up to date and add the default structures and categories."""
    settings = _settings()
    asyncio.run(_migrate_and_seed(settings.database_url))
    typer.echo("database is up to date")


def _run_server(host: str, port: int, workers: int) -> None:
    import uvicorn

    uvicorn.run(
        "hub.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_config=logs.UVICORN_LOG_CONFIG,
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the hub (run `hub migrate` first)."""
    _settings()
    _run_server(host, port, workers)


# The demo's channels talk to `hub simulate …` on this machine, never to a real provider.
DEMO_CHANNELS = {
    "HUB_TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "HUB_TWILIO_AUTH_TOKEN": "demo-twilio-auth-token",
    "HUB_TWILIO_FROM": "+21670000000",
    "HUB_TWILIO_API_BASE": "http://127.0.0.1:8765",
    "HUB_TELEGRAM_TOKEN": "123456:demo-telegram-token",
    "HUB_TELEGRAM_SECRET": "demo-telegram-secret",
    "HUB_TELEGRAM_API_BASE": "http://127.0.0.1:8766",
    "HUB_MAIL_FROM": "hub@demo.kef.tn",
    "HUB_SMTP_HOST": "127.0.0.1",
    "HUB_SMTP_PORT": "8025",
    "HUB_SMTP_TLS": "false",
    "HUB_INBOUND_SMTP_PORT": "2525",
}


@app.command()
def demo(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Prepare the data and stop")] = False,
) -> None:
    """Everything in one process on a SQLite file, with demo data and logins."""
    os.environ["HUB_DEMO"] = "1"
    os.environ.setdefault("HUB_PUBLIC_URL", f"http://{host}:{port}")
    for name, value in DEMO_CHANNELS.items():
        os.environ.setdefault(name, value)
    from hub.settings import get_settings

    get_settings.cache_clear()
    settings = _settings()
    asyncio.run(_prepare_demo())
    typer.echo(
        f"\nPetition hub demo on {settings.public_url}  (database {settings.database_url})\n"
    )
    from hub.demo import DEMO_LOGINS

    typer.echo(f"  {'role':<14} {'e-mail':<28} password")
    for login in DEMO_LOGINS:
        typer.echo(f"  {login.role:<14} {login.email:<28} {login.password}")
    typer.echo(
        "\n  counter desk: /counter   track a case: /track   dashboard: /dashboard   API: /docs\n"
    )
    if not no_serve:
        _run_server(host, port, 1)


async def _prepare_demo() -> None:
    from hub.demo import create_demo_cases, create_demo_users, has_demo_data
    from hub.state import HubState

    settings = _settings()
    await _migrate_and_seed(settings.database_url)
    state = HubState.build(settings)
    async with state.sessions() as session:
        if not await has_demo_data(session):
            await create_demo_users(session)
            await create_demo_cases(session, state.intake_context())
    await state.engine.dispose()


@app.command()
def worker() -> None:
    """Run the arq job worker (needs HUB_REDIS_URL)."""
    from arq.worker import run_worker

    from hub.jobs import worker_settings

    settings = _settings()
    if not settings.redis_url:
        typer.echo("HUB_REDIS_URL is not set: jobs run inside `hub serve` instead", err=True)
        raise typer.Exit(2)
    run_worker(worker_settings(settings))


simulate_app = typer.Typer(help="Try a channel without a provider account.", no_args_is_help=True)
telegram_app = typer.Typer(help="Telegram bot set-up.", no_args_is_help=True)
app.add_typer(simulate_app, name="simulate")
app.add_typer(telegram_app, name="telegram")

# --- simulate sms (channel work) ---


@simulate_app.command("sms")
def simulate_sms(
    sender: Annotated[str, typer.Option("--from", help="The citizen's phone number")],
    text: Annotated[str, typer.Option(help="What the citizen writes")] = "",
    url: Annotated[str, typer.Option(help="The running hub")] = "http://127.0.0.1:8000",
    sid: Annotated[
        str | None, typer.Option(help="Twilio's MessageSid; send one twice to see a retry")
    ] = None,
    media: Annotated[
        list[str] | None,
        typer.Option(metavar="FILE", help="A photo or PDF to send as MMS (repeatable)"),
    ] = None,
    wait: Annotated[float, typer.Option(help="Seconds to wait for the hub's SMS back")] = 10.0,
) -> None:
    """Text a running hub as a citizen, through a local stand-in for Twilio."""
    from channels.sms.simulate import SimulationError, citizen_sms, simulator_config
    from channels.sms.simulate import simulate_sms as run
    from hub.settings import Settings

    # Only the Twilio values are read, so no secret key is needed here.
    config = simulator_config(Settings(demo=True), DEMO_CHANNELS)
    try:
        sms = citizen_sms(sender, text, sid, media or [])
        code = asyncio.run(run(config, url, sms, wait, typer.echo))
    except SimulationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    raise typer.Exit(code)


# --- simulate telegram (channel work) ---


@simulate_app.command("telegram")
def simulate_telegram(
    text: Annotated[str, typer.Option(help="What the citizen types: a complaint, /status REF…")],
    chat: Annotated[int, typer.Option(help="The citizen's Telegram chat id")] = 7001,
    url: Annotated[str, typer.Option(help="The running hub")] = "http://127.0.0.1:8000",
    reply_to: Annotated[
        int | None, typer.Option(help="Id of the bot's message this answers (joins its case)")
    ] = None,
    wait: Annotated[float, typer.Option(help="Seconds to wait for the bot's answers")] = 10.0,
) -> None:
    """Message a running hub as a Telegram citizen, through a local stand-in for the Bot API."""
    from channels.telegram.simulator import simulate, simulator_config

    config = simulator_config(DEMO_CHANNELS)
    raise typer.Exit(simulate(config, url, chat, text, reply_to, wait, typer.echo))


# --- telegram set-webhook (channel work) ---


@telegram_app.command("set-webhook")
def telegram_set_webhook() -> None:
    """Register HUB_PUBLIC_URL/channels/telegram with Telegram, with the secret token."""
    from telegram.error import TelegramError

    from channels.telegram.bot import ALLOWED_UPDATES, explain, register_webhook

    settings = _settings()
    if settings.channel_status()["telegram"] != "on":
        typer.echo("set HUB_TELEGRAM_TOKEN and HUB_TELEGRAM_SECRET first", err=True)
        raise typer.Exit(2)
    try:
        url = asyncio.run(register_webhook(settings))
    except TelegramError as exc:
        typer.echo(f"the webhook was not set: {explain(exc)}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"webhook set: {url} (updates: {', '.join(ALLOWED_UPDATES)})")


# --- simulate email (channel work) ---


@simulate_app.command("email")
def simulate_email(
    sender: Annotated[str, typer.Option("--from", help="The citizen's e-mail address")],
    text: Annotated[str, typer.Option(help="The mail's text")],
    subject: Annotated[str | None, typer.Option(help="The mail's subject")] = None,
    to: Annotated[str, typer.Option(help="The hub's address")] = DEMO_CHANNELS["HUB_MAIL_FROM"],
    host: Annotated[str, typer.Option(help="The hub's inbound SMTP listener")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Its port (HUB_INBOUND_SMTP_PORT)")] = 2525,
    wait: Annotated[float, typer.Option(help="Seconds to wait for the hub's reply")] = 10,
    relay_port: Annotated[
        int, typer.Option(help="Where this stands in for the hub's outbound relay")
    ] = 8025,
) -> None:
    """Send a real e-mail to a running hub and show the mail it sends back."""
    from channels.email.simulate import simulate_email as run

    status = asyncio.run(
        run(
            sender=sender,
            text=text,
            subject=subject,
            to=to,
            host=host,
            port=port,
            wait=wait,
            relay_port=relay_port,
            echo=typer.echo,
        )
    )
    raise typer.Exit(status)


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Sign-in e-mail")],
    password: Annotated[str, typer.Option(help="At least 10 characters")],
    role: Annotated[
        str, typer.Option(help="administrator, supervisor, officer, investigator, clerk, monitor")
    ],
    structure: Annotated[
        str | None, typer.Option(help="Structure code (required for officers)")
    ] = None,
    name: Annotated[str, typer.Option(help="Full name")] = "",
    language: Annotated[str, typer.Option(help="ar, fr or en")] = "ar",
) -> None:
    """Create a staff account."""
    from hub.state import HubState
    from hub.users import UserError, create_user

    async def run() -> None:
        state = HubState.build(_settings())
        try:
            async with state.sessions() as session:
                user = await create_user(session, email, password, role, structure, name, language)
                typer.echo(f"created {user.role} {user.email} (id {user.id})")
        finally:
            await state.engine.dispose()

    try:
        asyncio.run(run())
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk every case's event chain; name the first altered row."""
    from hub.audit import verify_all
    from hub.state import HubState

    async def run() -> int:
        state = HubState.build(_settings())
        try:
            async with state.sessions() as session:
                checked, broken = await verify_all(session)
        finally:
            await state.engine.dispose()
        if broken:
            typer.echo(f"TAMPERED: {broken}", err=True)
            return 1
        typer.echo(f"ok: {checked} case histories verified, no alteration found")
        return 0

    raise typer.Exit(asyncio.run(run()))


def main() -> None:
    logs.configure()
    sys.exit(app())


if __name__ == "__main__":
    main()
