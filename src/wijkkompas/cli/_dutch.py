"""Typer's own texts in Dutch: panel titles, "Usage", the help and completion options, the type
labels (``<bool>``, ``<str>``) and the error boxes ("No such option", "Missing argument").

Typer (0.29) ships a copy of Click with English strings written into the code, not gettext, so
there is no catalogue to install. :func:`install` sets Typer's rich_utils constants and wraps the
two functions through which all help and error output passes (``rich_format_help``,
``rich_format_error``) plus the usage prefix; rich_utils only when Typer loads it (for help or
an error), so that a command that just runs starts faster. Every patch is guarded: when a later Typer moves a
name, that text stays English and the CLI keeps working (``tests/test_cli.py`` notices).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import re
import sys
from typing import Any

PANELS = {
    "ARGUMENTS_PANEL_TITLE": "Argumenten",
    "OPTIONS_PANEL_TITLE": "Opties",
    "COMMANDS_PANEL_TITLE": "Opdrachten",
    "ERRORS_PANEL_TITLE": "Fout",
    "ABORTED_TEXT": "Afgebroken.",
    "RICH_HELP": "Zie [blue]'{command_path} {help_option}'[/] voor hulp.",
    "DEFAULT_STRING": "[standaard: {}]",
    "ENVVAR_STRING": "[omgevingsvariabele: {}]",
    "REQUIRED_LONG_STRING": "[verplicht]",
    "DEPRECATED_STRING": "(verouderd) ",
}
OPTION_HELP = {
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Install completion for the current shell.":
        "Installeer aanvulling (tab-completion) voor de huidige shell.",
    "Show completion for the current shell, to copy it or customize the installation.":
        "Toon de aanvulling voor de huidige shell, om te kopiëren of aan te passen.",
    "Install completion for the specified shell.":
        "Installeer aanvulling (tab-completion) voor de gekozen shell.",
    "Show completion for the specified shell, to copy it or customize the installation.":
        "Toon de aanvulling voor de gekozen shell, om te kopiëren of aan te passen.",
}
TYPE_LABELS = {"str": "TEKST", "int": "GETAL", "float": "GETAL", "path": "PAD",
               "file": "BESTAND", "directory": "MAP", "datetime": "DATUM", "bool": "",
               "uuid": "UUID"}
# Error messages of the bundled Click, English pattern -> Dutch.
ERRORS = [
    (re.compile(r"^No such option: (.*)$"), r"Onbekende optie: \1"),
    (re.compile(r"^No such command '(.*)'\.$"), r"Onbekende opdracht '\1'."),
    (re.compile(r"^No such command: (.*)$"), r"Onbekende opdracht: \1"),
    (re.compile(r"Did you mean (.*)\?"), r"Bedoelde u \1?"),
    (re.compile(r"\(Possible options: (.*)\)"), r"(mogelijke opties: \1)"),
    (re.compile(r"^Missing argument '(.*)'\.?$"), r"Argument '\1' ontbreekt."),
    (re.compile(r"^Missing option '(.*)'\.?$"), r"Optie '\1' ontbreekt."),
    (re.compile(r"^Missing parameter: (.*)$"), r"Parameter ontbreekt: \1"),
    (re.compile(r"^Missing command\.?$"), "Geen opdracht gegeven."),
    (re.compile(r"^Invalid value for (.*?): (.*)$"), r"Ongeldige waarde voor \1: \2"),
    (re.compile(r"^Invalid value: (.*)$"), r"Ongeldige waarde: \1"),
    (re.compile(r"^Got unexpected extra arguments? \((.*)\)$"),
     r"Onverwacht extra argument(en): \1"),
    (re.compile(r"^Option '(.*)' requires an argument\.?$"), r"Optie '\1' vraagt een waarde."),
    (re.compile(r"^Option '(.*)' requires (\d+) arguments\.?$"),
     r"Optie '\1' vraagt \2 waarden."),
    (re.compile(r"is not a valid integer\.?"), "is geen geheel getal."),
    (re.compile(r"is not a valid float\.?"), "is geen getal."),
    (re.compile(r"is not a valid boolean\.?"), "is geen ja/nee-waarde."),
    (re.compile(r"is not one of (.*)\.$"), r"is niet een van \1."),
    (re.compile(r"does not exist\.$"), "bestaat niet."),
    (re.compile(r"^Error: "), "Fout: "),
]
USAGE = "Gebruik: "
USAGE_PIECES = {"[OPTIONS]": "[OPTIES]", "COMMAND [ARGS]...": "OPDRACHT [ARGUMENTEN]..."}


def translate_error(message: str) -> str:
    for pattern, dutch in ERRORS:
        message = pattern.sub(dutch, message)
    return message


def _dutch_params(command: Any) -> None:
    """Translate the help of the options Typer and Click add themselves (once per command)."""
    for param in getattr(command, "params", ()):
        help_text = getattr(param, "help", None)
        if help_text in OPTION_HELP:
            param.help = OPTION_HELP[help_text]
    for sub in (getattr(command, "commands", None) or {}).values():
        _dutch_params(sub)


def _type_label(original: Any) -> Any:
    def display_type(self: Any, ctx: Any) -> str | None:
        shown = original(self, ctx)
        if not isinstance(shown, str) or not (shown.startswith("<") and shown.endswith(">")):
            return shown
        inner = shown[1:-1]
        if getattr(self, "is_flag", False) or inner == "bool":
            return None
        if inner in TYPE_LABELS:
            return TYPE_LABELS[inner] or None
        return inner.upper()

    display_type.__wrapped__ = original  # type: ignore[attr-defined]
    return display_type


def install() -> None:
    """Put Typer's and Click's texts into Dutch (idempotent).

    Typer imports ``typer.rich_utils`` (and with it rich.markdown, markdown-it and pygments:
    about 0.3 s) only to show help or an error. So its texts are translated the moment it is
    imported (:class:`_WhenImported`), not at start-up; a command that just runs never loads it.
    The usage line, the help option and the type labels live in modules Typer has loaded
    already and are patched at once."""
    try:
        from typer import core
        from typer._click import core as click_core
        from typer._click import formatting
    except ImportError:  # pragma: no cover - another Typer layout: stay English, keep working
        return
    if getattr(formatting, "_wijkkompas_dutch", False):
        return
    original_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, dutch in USAGE_PIECES.items():
            args = args.replace(english, dutch)
        return original_usage(self, prog, args, USAGE if prefix is None else prefix)

    original_help_option = click_core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original_help_option(self, ctx)
        if option is not None and option.help in OPTION_HELP:
            option.help = OPTION_HELP[option.help]
        return option

    click_core.Command.get_help_option = get_help_option  # type: ignore[method-assign]
    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
    for cls_name in ("TyperOption", "TyperArgument"):
        cls = getattr(core, cls_name, None)
        if cls is not None and hasattr(cls, "display_type"):
            cls.display_type = _type_label(cls.display_type)
    formatting._wijkkompas_dutch = True  # type: ignore[attr-defined]
    rich_utils = sys.modules.get(RICH_UTILS)
    if rich_utils is not None:
        _dutch_rich_utils(rich_utils)
    elif not any(isinstance(f, _WhenImported) for f in sys.meta_path):
        sys.meta_path.insert(0, _WhenImported())


RICH_UTILS = "typer.rich_utils"


def _dutch_rich_utils(rich_utils: Any) -> None:
    """The panel titles and the two functions all help and error output passes through."""
    if getattr(rich_utils, "_wijkkompas_dutch", False):
        return
    for name, text in PANELS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)
    original_help = getattr(rich_utils, "rich_format_help", None)
    original_error = getattr(rich_utils, "rich_format_error", None)
    if original_help is None or original_error is None:  # pragma: no cover - another Typer
        return

    def rich_format_help(*, obj: Any, ctx: Any, **kwargs: Any) -> None:
        _dutch_params(getattr(ctx, "command", None) or obj)
        _dutch_params(obj)
        return original_help(obj=obj, ctx=ctx, **kwargs)

    def rich_format_error(self: Any) -> None:
        english = self.format_message  # some errors build their text here (MissingParameter)
        self.format_message = lambda: translate_error(english())
        return original_error(self)

    rich_utils.rich_format_help = rich_format_help
    rich_utils.rich_format_error = rich_format_error
    rich_utils._wijkkompas_dutch = True


class _WhenImported(importlib.abc.MetaPathFinder):
    """Finds ``typer.rich_utils`` through the other finders and translates it right after
    it has run (a one-off: the finder then leaves ``sys.meta_path``)."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != RICH_UTILS:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenDutch(spec.loader)
        return spec


class _ThenDutch(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: Any) -> Any:
        return self.loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self.loader.exec_module(module)
        _dutch_rich_utils(module)
