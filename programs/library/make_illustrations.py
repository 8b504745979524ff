"""Draw one line illustration per exercise into static/programs/exercises/<slug>.svg.

Run ``python programs/library/make_illustrations.py`` after adding an exercise to
``exercises.json``: every slug needs an entry in ``DRAWINGS`` (a pose, props and accents).
Stick figures face right on a floor line; blue marks the movement and the equipment.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "static" / "programs" / "exercises"
ACCENT = "#0d6efd"
Point = tuple[float, float]

# A pose: H head, N neck, P hip, then A arms (from the neck) and L legs (from the hip), each a
# polyline of "x,y" points in a 200 × 150 box with the floor at y = 136.
POSES = {
    "squat": "H118,48 N110,60 P90,100 A128,68 146,70 L124,106 110,130 121,132",
    "goblet": "H118,48 N110,60 P90,100 A126,78 122,64 L124,106 110,130 121,132",
    "single_leg_squat": "H104,50 N96,62 P80,98 A116,66 134,68 L106,112 96,130 107,132 "
    "L110,94 142,92 146,84",
    "wall_sit": "H74,40 N74,52 P74,96 A80,72 92,88 L106,96 106,130 116,132",
    "spanish": "H64,42 N70,54 P78,98 A90,68 106,70 L108,94 106,130 116,132",
    "seated_ext": "H70,38 N70,50 P72,94 A76,72 86,90 L102,94 126,76 134,70",
    "seated_calf": "H70,38 N70,50 P72,94 A80,70 96,84 L104,94 108,122 118,131",
    "lunge": "H104,40 N104,52 P104,98 A110,74 114,94 L136,104 136,130 146,132 "
    "L82,124 56,122 62,131",
    "rfess": "H108,40 N108,52 P106,98 A114,74 118,94 L138,104 138,130 148,132 "
    "L84,124 60,104 52,103",
    "step_down": "H104,20 N100,32 P90,72 A108,52 120,60 L110,88 96,108 106,110 "
    "L114,96 130,124 140,127",
    "lateral_step": "H92,18 N92,30 P92,70 A80,46 72,62 A104,46 112,62 L84,90 86,108 "
    "L104,92 112,128",
    "pelvic_drop": "H92,18 N92,30 P94,72 A80,46 72,62 A104,46 112,62 L86,90 86,110 L108,96 112,126",
    "bridge": "H28,126 N40,128 P96,100 A62,132 80,133 L126,92 134,130 144,132",
    "single_bridge": "H28,126 N40,128 P96,100 A62,132 80,133 L126,94 134,130 144,132 "
    "L122,84 150,70 152,62",
    "march_bridge": "H28,126 N40,128 P96,100 A62,132 80,133 L126,94 134,130 144,132 "
    "L112,72 134,80 140,74",
    "hip_thrust": "H44,90 N56,98 P100,100 A72,106 92,94 L128,100 132,130 142,132",
    "plank": "H166,92 N150,98 P96,112 A148,130 170,131 L62,122 30,128 24,132",
    "knee_plank": "H166,94 N150,100 P100,114 A148,130 170,131 L70,130 42,118 36,116",
    "high_plank": "H162,80 N148,86 P96,104 A148,110 150,130 A130,104 144,92 L62,118 30,128 24,132",
    "side_plank": "H146,84 N134,92 P86,110 A132,130 152,131 A140,70 146,50 L58,120 30,130",
    "side_plank_knees": "H146,84 N134,92 P90,114 A132,130 152,131 A140,70 146,50 L64,131 40,120",
    "side_plank_abd": "H146,84 N134,92 P86,110 A132,130 152,131 A140,70 146,50 "
    "L58,120 30,130 L58,98 30,86",
    "dead_bug": "H48,124 N60,127 P114,127 A62,104 64,82 A42,114 24,106 "
    "L116,98 142,98 146,90 L142,120 170,116 176,108",
    "heel_tap": "H48,124 N60,127 P114,127 A62,104 64,82 L116,98 142,98 146,90 "
    "L124,102 138,128 148,130",
    "press": "H100,16 N100,28 P100,70 A116,40 134,44 L104,100 100,130 110,132 "
    "L94,100 90,130 100,132",
    "kneel_press": "H100,40 N100,52 P98,96 A116,62 134,66 L84,130 60,131 54,127 "
    "L126,98 128,130 138,132",
    "chop": "H104,18 N102,30 P98,72 A118,52 136,72 L104,100 100,130 110,132 L92,100 86,130 96,132",
    "toes": "H100,14 N100,26 P100,66 A114,42 136,44 L100,94 102,121 111,131",
    "toes_single": "H100,14 N100,26 P100,66 A114,42 136,44 L100,94 102,121 111,131 "
    "L100,94 84,106 78,108",
    "toes_bent": "H96,18 N98,30 P94,70 A114,44 136,46 L110,96 104,121 113,131",
    "step_drop": "H100,14 N100,26 P100,66 A114,42 136,44 L101,92 104,120 114,113",
    "step_drop_bent": "H94,18 N96,30 P94,70 A112,44 134,46 L112,94 104,120 114,113",
    "step_raise_hang": "H100,12 N100,24 P102,62 A104,42 106,60 L104,88 108,108 117,115",
    "step_raise": "H100,12 N100,24 P102,62 A114,40 136,42 L104,88 108,108 117,115",
    "leg_press": "H22,52 N30,64 P62,106 A52,86 66,96 L96,96 128,88 134,80",
    "balance": "H100,16 N100,28 P100,70 A82,36 64,40 A118,36 136,40 L96,100 96,130 104,132 "
    "L114,88 108,110",
    "knee_wall": "H130,30 N126,42 P118,86 A142,56 156,58 L154,104 134,130 144,132 "
    "L100,110 84,130 92,132",
    "wall_lean": "H140,32 N132,44 P104,80 A150,50 166,52 L134,104 136,130 146,132 "
    "L80,105 56,130 66,132",
    "wall_lean_bent": "H140,32 N132,44 P104,84 A150,50 166,52 L134,106 136,130 146,132 "
    "L76,110 60,130 70,132",
    "long_sit": "H52,76 N56,88 P60,130 A82,100 100,104 L100,131 138,130 144,118",
    "split_stand": "H100,16 N100,28 P98,72 A104,50 98,66 L118,100 122,130 132,132 "
    "L82,100 66,126 70,132",
    "half_kneel": "H90,48 N90,60 P90,104 A96,80 90,98 L76,131 52,131 46,127 "
    "L120,104 122,130 132,132",
    "couch": "H88,52 N88,64 P86,108 A94,84 88,102 L64,131 44,100 40,94 L116,106 118,130 128,132",
    "side_lying": "H28,116 N40,122 P100,124 A60,112 80,120 L134,128 166,130 "
    "L132,110 164,96 168,100",
    "clamshell": "H28,116 N40,122 P100,124 A60,112 80,120 L124,130 150,132 L122,104 150,130",
    "band_walk": "H100,18 N100,30 P100,72 A88,50 94,70 A112,50 106,70 L84,102 82,130 74,131 "
    "L116,102 118,130 126,131",
    "hop": "H100,14 N100,26 P100,64 A110,44 112,60 L100,90 102,114 111,121",
    "hop_single": "H100,14 N100,26 P100,64 A110,44 112,60 L100,90 102,114 111,121 L110,86 96,100",
    "leap": "H128,26 N124,38 P110,78 A138,56 150,52 A110,54 98,64 L132,92 134,116 144,116 "
    "L92,100 72,112 66,106",
    "bound": "H118,20 N114,32 P102,74 A128,48 140,38 A100,50 88,62 L128,80 134,106 144,104 "
    "L84,96 60,104 54,98",
    "skip": "H102,14 N100,26 P98,66 A112,44 122,32 A92,46 84,60 L120,80 114,102 122,104 "
    "L96,96 96,122 106,130",
    "run": "H114,18 N110,30 P98,70 A118,50 132,42 A94,48 82,60 L122,90 116,116 126,118 "
    "L86,98 66,106 60,100",
}

# Close-ups drawn as plain paths: a foot from the inside, a foot from above, a shin and foot.
CLOSE_UPS = {
    "foot": '<path d="M64 20L60 84Q46 100 52 120Q60 130 80 126Q104 116 126 124L170 128'
    'Q182 128 182 120Q178 110 160 108L120 96Q96 86 90 60L88 20"/>',
    "foot_top": '<path d="M84 130Q66 130 68 104L72 60Q76 36 100 36Q124 36 128 60L132 104'
    'Q134 130 116 130Z"/>'
    + "".join(
        f'<circle cx="{x}" cy="{y}" r="5"/>'
        for x, y in ((76, 24), (92, 18), (106, 20), (118, 26), (128, 34))
    ),
    "shin": '<path d="M100 10L100 100M88 10L88 96Q70 112 84 124L128 128Q136 114 112 104L100 100"/>',
}


def _points(text: str) -> list[Point]:
    return [tuple(float(v) for v in pair.split(",")) for pair in text.split()]


def _d(points: list[Point]) -> str:
    (x0, y0), *rest = points
    return f"M{x0:g} {y0:g}" + "".join(f"L{x:g} {y:g}" for x, y in rest)


def figure(pose: str) -> str:
    """The figure of a pose as a head circle and one path."""
    if pose in CLOSE_UPS:
        return CLOSE_UPS[pose]
    parts = {"A": [], "L": []}
    for key, text in re.findall(r"([HNPAL])([^HNPAL]+)", POSES[pose]):
        parts.setdefault(key, []).append(_points(text))
    (head,), (neck,), (hip,) = parts["H"][0], parts["N"][0], parts["P"][0]
    lines = [[neck, hip]] + [[neck, *arm] for arm in parts["A"]]
    lines += [[hip, *leg] for leg in parts["L"]]
    paths = "".join(_d(points) for points in lines)
    return f'<circle cx="{head[0]:g}" cy="{head[1]:g}" r="8"/><path d="{paths}"/>'


# --- Props (neutral) and accents (blue) -----------------------------------------------------
def rect(x: float, y: float, w: float, h: float, fill: str = "") -> str:
    paint = f' fill="{fill}"' if fill else ""
    return f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="2"{paint}/>'


def line(*points: Point) -> str:
    return f'<path d="{_d(list(points))}"/>'


def arrow(start: Point, end: Point, *, both: bool = False, via: Point | None = None) -> str:
    """A straight arrow, or a curved one through ``via``, with open heads."""
    (x1, y1), (x2, y2) = start, end
    shaft = f"M{x1:g} {y1:g}" + (f"Q{via[0]:g} {via[1]:g} " if via else "L") + f"{x2:g} {y2:g}"
    heads = _head(via or start, end) + (_head(via or end, start) if both else "")
    return f'<path d="{shaft}{heads}"/>'


def _head(towards: Point, tip: Point) -> str:
    angle = math.atan2(tip[1] - towards[1], tip[0] - towards[0])
    (ax, ay), (bx, by) = (
        (tip[0] - 8 * math.cos(angle + s), tip[1] - 8 * math.sin(angle + s)) for s in (0.5, -0.5)
    )
    return f"M{ax:.0f} {ay:.0f}L{tip[0]:g} {tip[1]:g}L{bx:.0f} {by:.0f}"


def clock(x: float = 178, y: float = 20) -> str:
    """A hold: a small stopwatch."""
    return f'<circle cx="{x:g}" cy="{y:g}" r="9"/>' + line((x, y - 5), (x, y), (x + 4, y + 2))


def weight(x: float, y: float, r: float = 6) -> str:
    return f'<circle cx="{x:g}" cy="{y:g}" r="{r:g}" fill="{ACCENT}"/>'


def band(*points: Point) -> str:
    return f'<path d="{_d(list(points))}" stroke-dasharray="5 4"/>'


def towel(x: float, y: float) -> str:
    return f'<ellipse cx="{x:g}" cy="{y:g}" rx="6" ry="4"/>'


UP_DOWN = arrow((176, 64), (176, 112), both=True)
HOLD, HOLD_LEFT = clock(), clock(30, 20)
LANDING = line((88, 134), (84, 142)) + line((112, 134), (116, 142))
HOP = arrow((150, 116), (150, 76), both=True) + LANDING
STEP = rect(106, 113, 52, 23)
WALL = line((168, 14), (168, 136))
CHAIR = line((58, 46), (58, 98), (100, 98)) + line((60, 98), (60, 136)) + line((98, 98), (98, 136))
POST = line((22, 30), (22, 136))
RAISE, LOWER = arrow((76, 124), (76, 96)), arrow((78, 92), (78, 122))
ARCH = arrow((104, 136), (104, 110))

# slug → (pose, props, accents)
DRAWINGS: dict[str, tuple[str, str, str]] = {
    "box_squat": ("squat", rect(60, 104, 30, 32), UP_DOWN),
    "bodyweight_squat": ("squat", "", UP_DOWN),
    "goblet_squat": ("goblet", "", UP_DOWN + weight(126, 66, 7)),
    "single_leg_squat": ("single_leg_squat", "", UP_DOWN),
    "spanish_squat_isometric": (
        "spanish",
        line((182, 60), (182, 136)),
        band((108, 94), (182, 94)) + HOLD_LEFT,
    ),
    "wall_sit": ("wall_sit", line((64, 14), (64, 136)), HOLD),
    "seated_knee_extension": (
        "seated_ext",
        CHAIR,
        arrow((120, 118), (138, 80), via=(140, 110)) + weight(128, 74, 4),
    ),
    "split_squat": ("lunge", "", UP_DOWN),
    "reverse_lunge": ("lunge", "", arrow((60, 108), (26, 108))),
    "forward_lunge": ("lunge", "", arrow((150, 110), (184, 110))),
    "walking_lunge": ("lunge", "", arrow((40, 145), (180, 145))),
    "rear_foot_elevated_split_squat": ("rfess", rect(24, 104, 34, 32), UP_DOWN),
    "glute_bridge": ("bridge", "", arrow((96, 88), (96, 62))),
    "marching_bridge": ("march_bridge", "", arrow((150, 98), (150, 70), both=True)),
    "single_leg_bridge": ("single_bridge", "", arrow((96, 88), (96, 62))),
    "hip_thrust": (
        "hip_thrust",
        rect(14, 98, 34, 38),
        weight(100, 90, 7) + arrow((100, 76), (100, 54)),
    ),
    "knee_plank": ("knee_plank", "", HOLD_LEFT),
    "front_plank": ("plank", "", HOLD_LEFT),
    "plank_shoulder_tap": ("high_plank", "", arrow((124, 122), (132, 98), via=(118, 104))),
    "side_plank_knees": ("side_plank_knees", "", HOLD_LEFT),
    "side_plank": ("side_plank", "", HOLD_LEFT),
    "side_plank_hip_abduction": ("side_plank_abd", "", arrow((18, 124), (18, 84), via=(8, 104))),
    "dead_bug_heel_tap": ("heel_tap", "", arrow((160, 98), (160, 124))),
    "dead_bug": ("dead_bug", "", arrow((178, 92), (186, 116)) + arrow((30, 88), (14, 100))),
    "pallof_press_half_kneeling": (
        "kneel_press",
        POST,
        band((22, 66), (134, 66)) + arrow((144, 52), (176, 52)),
    ),
    "pallof_press": ("press", POST, band((22, 44), (134, 44)) + arrow((144, 30), (176, 30))),
    "band_woodchop": (
        "chop",
        line((22, 10), (22, 136)),
        band((22, 14), (136, 72)) + arrow((150, 48), (160, 100), via=(172, 64)),
    ),
    "seated_calf_raise": (
        "seated_calf",
        CHAIR,
        rect(86, 82, 18, 8, ACCENT) + arrow((136, 128), (136, 104)),
    ),
    "double_leg_calf_raise": ("toes", WALL, RAISE),
    "single_leg_calf_raise": ("toes_single", WALL, arrow((66, 124), (66, 96))),
    "weighted_single_leg_calf_raise": ("step_raise_hang", STEP, weight(107, 66) + RAISE),
    "bent_knee_calf_raise": ("toes_bent", WALL, RAISE),
    "isometric_heel_raise_hold": ("toes", WALL, HOLD_LEFT),
    "eccentric_heel_drop_straight_knee": ("step_drop", STEP, LOWER),
    "eccentric_heel_drop_bent_knee": ("step_drop_bent", STEP, LOWER),
    "floor_eccentric_heel_drop": ("toes", WALL, LOWER + line((96, 139), (120, 139))),
    "hsr_seated_heel_raise": (
        "seated_calf",
        CHAIR,
        weight(96, 80, 9) + arrow((136, 128), (136, 100), both=True),
    ),
    "hsr_standing_heel_raise": (
        "step_raise",
        STEP,
        line((80, 24), (122, 24))
        + weight(80, 24)
        + weight(122, 24)
        + arrow((70, 118), (70, 88), both=True),
    ),
    "hsr_leg_press_heel_raise": (
        "leg_press",
        line((14, 46), (30, 106), (70, 116), (70, 136)),
        line((140, 56), (144, 112)) + arrow((156, 96), (160, 70), both=True),
    ),
    "rathleff_towel_heel_raise": ("step_raise", STEP, towel(118, 108) + RAISE + HOLD_LEFT),
    "towel_heel_raise_double_leg": ("toes", "", towel(112, 128) + RAISE),
    "plantar_fascia_stretch": (
        "foot",
        "",
        arrow((186, 112), (168, 84), via=(192, 92)) + band((60, 122), (170, 124)),
    ),
    "short_foot_seated": ("foot", "", ARCH),
    "short_foot_standing": ("foot", line((30, 140), (190, 140)), ARCH + arrow((76, 2), (76, 16))),
    "toe_yoga": ("foot", "", line((168, 112), (184, 94)) + arrow((190, 118), (192, 90))),
    "toe_spreading": ("foot_top", "", arrow((60, 60), (36, 60)) + arrow((140, 60), (164, 60))),
    "towel_curl": ("foot", "", band((120, 134), (196, 134)) + arrow((190, 144), (130, 144))),
    "single_leg_balance": ("balance", "", HOLD),
    "knee_to_wall_mobilisation": (
        "knee_wall",
        line((160, 14), (160, 136)),
        arrow((128, 100), (148, 100)),
    ),
    "banded_ankle_mobilisation": (
        "knee_wall",
        line((160, 14), (160, 136)) + line((20, 96), (20, 136)),
        band((136, 124), (20, 112)) + arrow((128, 96), (148, 96)),
    ),
    "gastrocnemius_wall_stretch": (
        "wall_lean",
        line((170, 14), (170, 136)),
        arrow((98, 62), (122, 62)) + HOLD_LEFT,
    ),
    "soleus_wall_stretch": (
        "wall_lean_bent",
        line((170, 14), (170, 136)),
        arrow((60, 100), (72, 116)) + HOLD_LEFT,
    ),
    "strap_calf_stretch": ("long_sit", "", band((100, 104), (146, 114)) + HOLD),
    "standing_hip_flexor_stretch": ("split_stand", "", arrow((70, 64), (92, 64)) + HOLD),
    "half_kneeling_hip_flexor_stretch": ("half_kneel", "", arrow((58, 96), (80, 96)) + HOLD),
    "couch_stretch": ("couch", rect(14, 92, 26, 44), arrow((62, 98), (82, 98)) + HOLD),
    "clamshell": ("clamshell", "", arrow((136, 122), (134, 96), via=(146, 108))),
    "side_lying_hip_abduction": ("side_lying", "", arrow((178, 124), (176, 88), via=(188, 106))),
    "lateral_band_walk": (
        "band_walk",
        "",
        band((86, 100), (114, 100)) + arrow((136, 60), (176, 60)),
    ),
    "pelvic_drop": (
        "pelvic_drop",
        rect(58, 112, 40, 24),
        line((82, 72), (108, 76)) + arrow((128, 66), (128, 96), both=True),
    ),
    "lateral_step_down": ("lateral_step", rect(62, 110, 38, 26), arrow((150, 90), (150, 126))),
    "forward_step_down": ("step_down", rect(74, 110, 44, 26), arrow((168, 92), (168, 126))),
    "banded_inversion": (
        "shin",
        line((180, 100), (180, 136)),
        band((118, 118), (180, 118)) + arrow((120, 98), (84, 98), via=(104, 86)),
    ),
    "skipping": ("skip", "", arrow((150, 70), (150, 40)) + LANDING),
    "pogo_hops": ("hop", "", HOP),
    "single_leg_hops": ("hop_single", "", HOP),
    "forward_hops": ("leap", "", arrow((30, 130), (96, 130), via=(50, 70))),
    "bounding": ("bound", "", arrow((20, 140), (180, 140))),
    "walk_run": (
        "run",
        "",
        '<path d="M20 144H180" stroke-dasharray="18 6 4 6"/>' + arrow((170, 144), (186, 144)),
    ),
}


def svg(name: str, pose: str, props: str, accents: str) -> str:
    """One illustration: floor and props, the figure, then the blue accents."""
    label = escape(name, {'"': "&quot;"})
    floor = "" if pose in CLOSE_UPS else '<path d="M6 136H194" stroke-opacity=".4"/>'
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 150" width="200" height="150" '
        f'role="img" aria-label="{label}"><title>{escape(name)}</title>'
        '<g fill="none" stroke="currentColor" stroke-linecap="round" stroke-linejoin="round">'
        f'<g stroke-width="2">{floor}{props}</g>'
        f'<g stroke-width="5">{figure(pose)}</g>'
        f'<g stroke="{ACCENT}" stroke-width="3">{accents}</g></g></svg>\n'
    )


def main() -> None:
    library = json.loads((HERE / "exercises.json").read_text(encoding="utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    for exercise in library["exercises"]:
        pose, props, accents = DRAWINGS[exercise["slug"]]
        path = OUT / f"{exercise['slug']}.svg"
        path.write_text(svg(exercise["name"], pose, props, accents), encoding="utf-8")


if __name__ == "__main__":
    main()
