"""The honours a district nominates for, as data (domain.md §4)."""

from django.db import migrations

TYPES = [
    ("model_worker", "劳动模范", "person"),
    ("advanced_worker", "先进工作者", "person"),
    ("may_day_medal", "五一劳动奖章", "person"),
    ("model_workers_home", "模范职工之家", "unit"),
]


def add(apps, schema_editor):
    HonourType = apps.get_model("honours", "HonourType")
    for code, name, nominee in TYPES:
        HonourType.objects.get_or_create(code=code, defaults={"name": name, "nominee": nominee})


def remove(apps, schema_editor):
    apps.get_model("honours", "HonourType").objects.filter(code__in=[c for c, _n, _k in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
