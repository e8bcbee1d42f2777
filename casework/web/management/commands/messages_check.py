"""Say whether the translation catalogues are complete and compiled.

Exit status 0 when every source string is in each catalogue, translated and
not fuzzy, and each committed .mo matches its .po; 1 otherwise, listing what
to fix. Run it after `make messages` (needs GNU gettext).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from casework.web.catalogues import (
    LOCALES,
    compiled_differences,
    msgfmt_path,
    po_path,
    source_msgids,
    unextracted,
    untranslated_or_fuzzy,
)


class Command(BaseCommand):
    help = "Check that the zh_Hant and en catalogues cover every source string, are translated and compiled."

    def handle(self, *args: Any, **options: Any) -> None:
        if msgfmt_path() is None:
            raise CommandError("messages_check needs GNU gettext (msgfmt, xgettext): apt-get install gettext")
        sources = source_msgids()
        problems: list[str] = []
        for locale in LOCALES:
            po = po_path(locale)
            if not po.exists():
                problems.append(f"{po} is missing: run `make messages`")
                continue
            problems += [f"{locale}: {p}" for p in unextracted(po, sources)]
            problems += [f"{locale}: {p}" for p in untranslated_or_fuzzy(po)]
            problems += [f"{locale}: {p}" for p in compiled_differences(po, po.with_suffix(".mo"))]
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} translation problem(s); see docs/pages.md")
        self.stdout.write(self.style.SUCCESS(f"{len(sources)} strings; catalogues {', '.join(LOCALES)} complete."))
