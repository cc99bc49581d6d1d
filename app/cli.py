"""The `stocktaking` console: migrations, seeds, serving."""

import threading
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from sqlmodel import Session

from app import migrate
from app.config import get_settings
from app.db import make_engine, utcnow
from app.errors import DomainError, translate_validation_errors
from app.models import Language, Role
from app.schemas.user import AccountIn
from app.services import accounts, catalog_index, contact_measures, digests, mail
from seeds.demo import load_demo
from seeds.demo_exchange import load_exchange
from seeds.taxonomy_loader import load_taxonomies

cli = typer.Typer(
    help="AICTO regional repository of AI initiatives.", no_args_is_help=True
)
db_cli = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
cli.add_typer(db_cli, name="db")


@db_cli.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Migrate the database up to REVISION (default: the newest)."""
    migrate.upgrade(get_settings().database_url, revision)
    typer.echo(f"database upgraded to {revision}")


@db_cli.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION ('base' empties it)."""
    migrate.downgrade(get_settings().database_url, revision)
    typer.echo(f"database downgraded to {revision}")


@cli.command()
def seed(
    demo: Annotated[
        bool, typer.Option("--demo", help="Also add the fictional sample projects.")
    ] = False,
) -> None:
    """Load the taxonomies (idempotent), and with --demo the sample projects."""
    engine = make_engine(get_settings().database_url)
    with Session(engine) as session:
        report = load_taxonomies(session)
        for table, count in report.added.items():
            typer.echo(
                f"{table}: {count} added, {report.updated.get(table, 0)} updated, "
                f"{report.retired.get(table, 0)} retired"
            )
        if demo:
            typer.echo(f"sample projects: {load_demo(session)} added")
            typer.echo(
                f"sample good practices and relations: {load_exchange(session)} added"
            )
    engine.dispose()


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes.")] = False,
) -> None:
    """Serve the application with uvicorn (behind a proxy: set
    STOCKTAKING_FORWARDED_ALLOW_IPS to the proxy's address)."""
    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


@cli.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Email address (the sign-in name).")],
    role: Annotated[
        Role, typer.Option(help="contributor, focal_point, moderator, admin")
    ],
    password: Annotated[
        str,
        typer.Option(
            envvar="STOCKTAKING_NEW_PASSWORD",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Or set STOCKTAKING_NEW_PASSWORD; asked for when neither is given.",
        ),
    ],
    country: Annotated[
        str | None, typer.Option(help="ISO2 code: required for country roles.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    language: Annotated[Language, typer.Option(help="ar, en or fr.")] = Language.AR,
) -> None:
    """Create a verified account (the first admin, or for scripts)."""
    try:
        data = AccountIn(
            email=email,
            role=role,
            password=password,
            full_name=name or email.split("@")[0],
            country=country,
            preferred_language=language,
        )
    except ValidationError as error:
        for problem in translate_validation_errors(error.errors(), "en"):
            field = ".".join(str(part) for part in problem["loc"])
            typer.echo(f"error: {field}: {problem['msg']}", err=True)
        raise typer.Exit(code=1) from error
    engine = make_engine(get_settings().database_url)
    try:
        with Session(engine) as session:
            user = accounts.create_user(session, data=data)
            typer.echo(f"created {user.role.value} {user.email} (id {user.id})")
    except DomainError as error:
        typer.echo(f"error: {error.detail('en')[0]['msg']}", err=True)
        raise typer.Exit(code=1) from error
    finally:
        engine.dispose()


@cli.command("prune-catalog-log")
def prune_catalog_log(
    keep_days: Annotated[
        int, typer.Option(min=1, help="Keep the changes of the last N days.")
    ] = 7,
) -> None:
    """Delete old rows of the catalog change log (run it daily, e.g. from cron).

    The web workers read only the rows after the last they applied; the log
    otherwise grows by a row per changed entry forever."""
    engine = make_engine(get_settings().database_url)
    with Session(engine) as session:
        removed = catalog_index.prune_changes(
            session, older_than=timedelta(days=keep_days)
        )
    typer.echo(f"catalog change log: {removed} rows of more than {keep_days} days gone")


@cli.command("prune-messages")
def prune_messages() -> None:
    """Delete the text of relayed messages older than the retention setting
    (STOCKTAKING_CONTACT_RETENTION_DAYS, default 180; run it daily, e.g. from
    cron), and blank the relayed emails' text and Reply-To in the outbox once
    sent. Who wrote to which entry, when and why stays for the log."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        pruned = contact_measures.prune_bodies(
            session, older_than_days=settings.contact_retention_days
        )
    engine.dispose()
    typer.echo(
        f"messages: {pruned.messages} texts of more than "
        f"{settings.contact_retention_days} days deleted, "
        f"{pruned.mails} relayed emails blanked"
    )


@cli.command("send-digests")
def send_digests(
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="Send as of this time, not in the future (ISO 8601; UTC "
            "without a zone). Default: now.",
        ),
    ] = None,
) -> None:
    """Queue the saved searches' digests that are due (the mail worker also
    does it every minute; this is for cron and for a chosen clock). They go
    out with the rest of the outbox (`send-mail`)."""
    try:
        moment = datetime.fromisoformat(now) if now else utcnow()
    except ValueError as error:
        raise typer.BadParameter(f"not an ISO 8601 time: {now}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment > utcnow():
        raise typer.BadParameter(
            f"{now} is in the future: the entries published until then would "
            "be in no digest",
            param_hint="'--now'",
        )
    settings = get_settings()
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        queued = digests.send_due_digests(session, settings=settings, now=moment)
    engine.dispose()
    typer.echo(f"digests: {queued} queued")


@cli.command("send-mail")
def send_mail(
    loop: Annotated[
        bool, typer.Option("--loop", help="Keep delivering until interrupted.")
    ] = False,
) -> None:
    """Deliver the queued emails that are due (once, or continuously with --loop)."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    stop = threading.Event()
    try:
        report = mail.run_worker(engine, settings, stop, once=not loop)
    except KeyboardInterrupt:
        stop.set()
        return
    finally:
        engine.dispose()
    typer.echo(f"sent {report.sent}, failed {report.failed} (retried later)")
