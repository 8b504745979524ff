"""Tag calf raises and calf stretches as tendon and calf loading, and hip-centred exercises as hip
loading, so a possible rupture or DVT and a BSI at the femoral neck, pelvis or sacrum block them."""

from django.db import migrations

# As in programs/library/exercises.json.
TAGS = {
    # Stretching a torn Achilles risks lengthening it; calf raises load the tendon.
    "tendon_load": (
        "seated_calf_raise",
        "double_leg_calf_raise",
        "bent_knee_calf_raise",
        "towel_heel_raise_double_leg",
        "knee_to_wall_mobilisation",
        "banded_ankle_mobilisation",
        "gastrocnemius_wall_stretch",
        "soleus_wall_stretch",
        "strap_calf_stretch",
    ),
    # Bridges, hip abduction, planks, squats, lunges and step-downs load the hip and pelvis.
    "hip_load": (
        "glute_bridge",
        "marching_bridge",
        "single_leg_bridge",
        "hip_thrust",
        "clamshell",
        "side_lying_hip_abduction",
        "side_plank_hip_abduction",
        "lateral_band_walk",
        "pelvic_drop",
        "knee_plank",
        "front_plank",
        "plank_shoulder_tap",
        "side_plank_knees",
        "side_plank",
        "bodyweight_squat",
        "goblet_squat",
        "single_leg_squat",
        "box_squat",
        "split_squat",
        "rear_foot_elevated_split_squat",
        "wall_sit",
        "spanish_squat_isometric",
        "reverse_lunge",
        "forward_lunge",
        "walking_lunge",
        "lateral_step_down",
        "forward_step_down",
    ),
}


def add_tags(apps, schema_editor):
    Exercise = apps.get_model("programs", "Exercise")
    for tag, slugs in TAGS.items():
        for exercise in Exercise.objects.filter(slug__in=slugs):
            if tag not in exercise.contraindication_tags:
                exercise.contraindication_tags = [*exercise.contraindication_tags, tag]
                exercise.save(update_fields=["contraindication_tags"])


def remove_tags(apps, schema_editor):
    Exercise = apps.get_model("programs", "Exercise")
    for tag, slugs in TAGS.items():
        for exercise in Exercise.objects.filter(slug__in=slugs):
            if tag in exercise.contraindication_tags:
                exercise.contraindication_tags = [
                    t for t in exercise.contraindication_tags if t != tag
                ]
                exercise.save(update_fields=["contraindication_tags"])


class Migration(migrations.Migration):
    dependencies = [("programs", "0008_walk_run_stage_since_and_review")]

    operations = [migrations.RunPython(add_tags, remove_tags)]
