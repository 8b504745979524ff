"""Tag the library's heavy or eccentric tendon-loading exercises, so red flags can block them."""

from django.db import migrations

TAG = "tendon_load"
# Heel drops, heavy slow resistance, single-leg and weighted calf raises, isometric holds, the
# Rathleff raise and plyometrics: as in programs/library/exercises.json.
SLUGS = (
    "eccentric_heel_drop_straight_knee",
    "eccentric_heel_drop_bent_knee",
    "floor_eccentric_heel_drop",
    "hsr_seated_heel_raise",
    "hsr_standing_heel_raise",
    "hsr_leg_press_heel_raise",
    "weighted_single_leg_calf_raise",
    "single_leg_calf_raise",
    "isometric_heel_raise_hold",
    "rathleff_towel_heel_raise",
    "skipping",
    "pogo_hops",
    "single_leg_hops",
    "forward_hops",
    "bounding",
)


def add_tag(apps, schema_editor):
    Exercise = apps.get_model("programs", "Exercise")
    for exercise in Exercise.objects.filter(slug__in=SLUGS):
        if TAG not in exercise.contraindication_tags:
            exercise.contraindication_tags = [*exercise.contraindication_tags, TAG]
            exercise.save(update_fields=["contraindication_tags"])


def remove_tag(apps, schema_editor):
    Exercise = apps.get_model("programs", "Exercise")
    for exercise in Exercise.objects.filter(slug__in=SLUGS):
        if TAG in exercise.contraindication_tags:
            exercise.contraindication_tags = [t for t in exercise.contraindication_tags if t != TAG]
            exercise.save(update_fields=["contraindication_tags"])


class Migration(migrations.Migration):
    dependencies = [("programs", "0005_template_tissue_by_condition")]

    operations = [migrations.RunPython(add_tag, remove_tag)]
