"""Seed the default compass regions and lever step wording (a frozen copy of compass.defaults)."""

from decimal import Decimal

from django.db import migrations

# key, label, description, order, is_goal, x_min, x_max, y_min, y_max
REGIONS = [('centre',
  'Getting to know each other',
  'Some contact both ways and a fair view of each other; the relationship is still forming.',
  1,
  False,
  '2.0',
  '3.0',
  '2.0',
  '3.0'),
 ('north-east',
  'Positive partners',
  'Frequent, easy contact started from both sides; the parent is seen as the expert on their '
  'child and plans with the school.',
  2,
  True,
  '2.5',
  None,
  '2.5',
  None),
 ('south-east',
  'In close contact, under strain',
  'Plenty of contact, but it is often about problems and trust has worn thin on one or both '
  'sides.',
  3,
  False,
  '2.5',
  None,
  None,
  '2.5'),
 ('north-west',
  'Well-disposed but distant',
  'Goodwill on both sides, but little contact and few easy ways into school life.',
  4,
  False,
  None,
  '2.5',
  '2.5',
  None),
 ('south-west',
  'Not yet reached',
  'Little contact, mostly one way, and the relationship feels strained: the school has yet to '
  'find a way in that works for this family.',
  5,
  False,
  None,
  '2.5',
  None,
  '2.5')]

LEVER_STEPS = {('access', 1): 'The parent rarely comes in or reaches staff; times and places do not suit.',
 ('access', 2): "Formal occasions only (e.g. parents' evening), at the school's times.",
 ('access', 3): 'Staff are easy to reach; meetings offered at times and places that suit.',
 ('access', 4): 'The parent takes part in school life and has a quick route to their contact.',
 ('attitude', 1): 'The relationship has turned negative; the parent is seen as the problem.',
 ('attitude', 2): 'The parent is treated mainly as someone to pass information to.',
 ('attitude', 3): "The parent's views are sought and taken into account.",
 ('attitude', 4): 'The parent is seen as the expert on their child and as a partner.',
 ('communication', 1): 'Little contact, or only one-way messages about problems.',
 ('communication', 2): 'Occasional contact, mostly started by the school.',
 ('communication', 3): 'Regular two-way contact that includes good news.',
 ('communication', 4): 'Open and frequent; both sides get in touch when they need to.'}


def _dec(value):
    return None if value is None else Decimal(value)


def seed(apps, schema_editor):
    CompassRegion = apps.get_model("compass", "CompassRegion")
    LeverStep = apps.get_model("compass", "LeverStep")
    for key, label, description, order, is_goal, x_min, x_max, y_min, y_max in REGIONS:
        CompassRegion.objects.get_or_create(
            school=None,
            key=key,
            defaults={
                "label": label,
                "description": description,
                "order": order,
                "is_goal": is_goal,
                "x_min": _dec(x_min),
                "x_max": _dec(x_max),
                "y_min": _dec(y_min),
                "y_max": _dec(y_max),
            },
        )
    for (lever, step), description in LEVER_STEPS.items():
        LeverStep.objects.get_or_create(
            school=None, lever=lever, step=step, defaults={"description": description}
        )


def unseed(apps, schema_editor):
    apps.get_model("compass", "CompassRegion").objects.filter(school=None).delete()
    apps.get_model("compass", "LeverStep").objects.filter(school=None).delete()


class Migration(migrations.Migration):
    dependencies = [("compass", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
