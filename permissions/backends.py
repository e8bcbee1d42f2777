"""An authentication backend that answers ``user.has_perm(perm, obj)`` from
unexpired object grants.

django-guardian's own backend joins its permission table from
``Permission`` and so bypasses ``ObjectGrant``'s manager: it would keep
honouring a grant after its expiry. Django code that asks ``has_perm`` with
an object (viewflow's task views, the admin) gets this answer instead. Our
code asks ``permissions.access.can``, which reads the same rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from permissions.models import ObjectGrant


class ObjectGrantBackend:
    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_user_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        if obj is None or not getattr(user_obj, "is_active", False) or not user_obj.is_authenticated:
            return set()
        codenames = ObjectGrant.objects.filter(
            user=user_obj, content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk)
        ).values_list("permission__codename", flat=True)
        return {f"{obj._meta.app_label}.{codename}" for codename in codenames}

    def get_all_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        return self.get_user_permissions(user_obj, obj)

    def has_perm(self, user_obj: Any, perm: str, obj: Model | None = None) -> bool:
        if obj is None:
            return False
        if "." not in perm:
            perm = f"{obj._meta.app_label}.{perm}"
        return perm in self.get_user_permissions(user_obj, obj)
