"""The `leaflet` command line: a thin skin over the core.

Each command parses its options, calls one core function and prints what it returns.
Core modules are imported inside the commands, so `leaflet --help` and the hand-over
path never pay for WeasyPrint, fontTools or CLDR tables. Project exceptions are turned
into one-line messages and exit codes here, and only here (see leaflet.errors.ExitCode).
"""

from __future__ import annotations

import logging

import click

from leaflet import __version__
from leaflet.errors import ExitCode, LeafletError
from leaflet import i18n
from leaflet.i18n import _

# click's own words (Usage, Options, "Missing option") in the environment's language too.
i18n.use_for_click()


class LeafletClickError(click.ClickException):
    """A LeafletError shown as `Error: <file>:<line>: <message> (<hint>)`."""

    def __init__(self, error: LeafletError):
        super().__init__(str(error))
        self.exit_code = int(error.exit_code)


DEBUG_VARIABLE = "LEAFLET_DEBUG"


def _debug() -> bool:
    import os

    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


class LeafletGroup(click.Group):
    """A click group that translates project exceptions at the edge, once.

    No traceback reaches a user: a LeafletError is its one-line message; an OSError the
    file and the system's reason; anything else (a bug) one line that says so and how to
    get the traceback for a bug report (LEAFLET_DEBUG=1, which also shows the traceback
    of every error).
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException,
                SystemExit, KeyboardInterrupt, BrokenPipeError):
            raise  # click ends a broken pipe (`leaflet log list | head`) quietly
        except LeafletError as exc:
            self._show_traceback()
            raise LeafletClickError(exc) from None
        except OSError as exc:
            self._show_traceback()
            where = f"{exc.filename}: " if exc.filename else ""
            raise LeafletClickError(LeafletError(
                f"{where}{exc.strerror or exc}",
                hint=_("check the path and its permissions"))) from None
        except Exception as exc:  # noqa: BLE001  (a bug: one line, not a traceback)
            self._show_traceback()
            text = (str(exc).splitlines() or [""])[0][:160]
            raise LeafletClickError(LeafletError(
                # Translators: %(kind)s is a Python exception's class name, like KeyError;
                # %(text)s its message, in English.
                _("internal error: %(kind)s: %(text)s")
                % {"kind": type(exc).__name__, "text": text},
                # Translators: %(variable)s is an environment variable's name, LEAFLET_DEBUG.
                hint=_("this is a bug; run again with %(variable)s=1 for the traceback "
                       "and report it") % {"variable": DEBUG_VARIABLE})) from None

    @staticmethod
    def _show_traceback() -> None:
        if _debug():
            import traceback

            traceback.print_exc()


class Settings:
    """Shared state for subcommands (`ctx.obj`): where the workspace is."""

    def __init__(self, workspace_dir):
        self.workspace_dir = workspace_dir
        self._workspace = None

    def workspace(self):
        if self._workspace is None:
            from leaflet.workspace import load_workspace
            self._workspace = load_workspace(self.workspace_dir)
        return self._workspace

    def workspace_or_none(self):
        """The workspace when one is named or found, else None: a desk can record, and an
        auditor report, without one."""
        if self.workspace_dir is None:
            from leaflet.errors import ConfigError
            from leaflet.workspace import find_workspace

            try:
                find_workspace()
            except ConfigError:
                return None
        return self.workspace()


@click.group(cls=LeafletGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=_("The support-centre leaflet for possible victims of human trafficking.\n"
                    "\n"
                    "\b\n"
                    "Exit codes: 0 ok, 1 a check or build failed, 2 bad usage or an invalid "
                    "value.\n"
                    "Example:  leaflet build --lang ar --lang fr"),
             epilog=_(i18n.DRAFT_NOTICE) if i18n.is_draft() else None)
@click.option("--workspace", "-w", "workspace_dir", envvar="LEAFLET_WORKSPACE",
              type=click.Path(file_okay=False, path_type=str),
              help=_("Folder holding leaflet.toml (default: the current folder or a parent). "
                     "Env: LEAFLET_WORKSPACE."))
@click.version_option(__version__, prog_name="leaflet")
@click.pass_context
def cli(ctx, workspace_dir):
    # The group's help is in the decorator (translated).
    handler = logging.StreamHandler()  # stderr: stdout stays parseable
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    package_logger = logging.getLogger("leaflet")
    package_logger.addHandler(handler)
    package_logger.setLevel(logging.WARNING)
    ctx.obj = Settings(workspace_dir)


def _register() -> None:
    from leaflet.cli import (catalog_cmd, edition_cmd, handover_cmd, language_cmd,
                             report_cmd, serve_cmd, stock_cmd)

    for module in (edition_cmd, catalog_cmd, handover_cmd, language_cmd, stock_cmd,
                   report_cmd, serve_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()

__all__ = ["cli", "ExitCode"]
