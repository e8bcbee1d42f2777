"""``makemessages`` that also finds ``_l("…")``: the project imports
``gettext_lazy as _l`` wherever ``_`` is already ``gettext`` (transition
labels, data labels), and xgettext knows only Django's own keywords."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
