// Side-by-side gait video player: two clips on one timeline, frame steps, speed, mirroring, and
// measurements marked on a paused frame (angles from points, cadence from foot-contact taps).
// The server recomputes every value from the points and taps (assessments/video_measures.py);
// the numbers here are only shown while marking. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  var root = document.getElementById("player");
  if (!root) {
    return;
  }

  // --- Geometry (same formulas as assessments/video_measures.py) -----------------------------
  var MIN_TAPS = 4;
  var CADENCE_MIN = 100;
  var CADENCE_MAX = 260;

  function degrees(radians) {
    return (radians * 180) / Math.PI;
  }

  function angleAt(a, v, c) {
    var ax = a[0] - v[0], ay = a[1] - v[1], cx = c[0] - v[0], cy = c[1] - v[1];
    return degrees(Math.abs(Math.atan2(ax * cy - ay * cx, ax * cx + ay * cy)));
  }

  function tilt(p, q, reference) {
    var dx = Math.abs(q[0] - p[0]), dy = Math.abs(q[1] - p[1]);
    return reference === "vertical" ? degrees(Math.atan2(dx, dy)) : degrees(Math.atan2(dy, dx));
  }

  function same(p, q) {
    return p[0] === q[0] && p[1] === q[1];
  }

  function round1(value) {
    return Math.round(value * 10) / 10;
  }

  // The angle of a kind from its points, or null while points are missing or coincide.
  function measureAngle(kind, points) {
    if (points.length !== kind.points.length) {
      return null;
    }
    if (kind.reference === "three_point") {
      if (same(points[0], points[1]) || same(points[2], points[1])) {
        return null;
      }
      return round1(180 - angleAt(points[0], points[1], points[2]));
    }
    if (same(points[0], points[1])) {
      return null;
    }
    return round1(tilt(points[0], points[1], kind.reference));
  }

  function cadence(taps) {
    if (taps.length < MIN_TAPS) {
      return null;
    }
    var times = taps.slice().sort(function (a, b) { return a - b; });
    var span = times[times.length - 1] - times[0];
    return span > 0 ? round1(((times.length - 1) / span) * 60) : null;
  }

  // The same numbers as the server's, open to the browser tests' comparison with Python.
  window.dangptGaitMath = { measureAngle: measureAngle, cadence: cadence };

  // --- Clips and the shared timeline ---------------------------------------------------------
  var clips = Array.prototype.map.call(root.querySelectorAll("[data-clip]"), function (figure) {
    var clip = {
      figure: figure,
      side: figure.getAttribute("data-clip"),
      video: figure.querySelector("video"),
      stage: figure.querySelector(".clip-stage"),
      svg: figure.querySelector("svg"),
      readout: figure.querySelector("[data-readout]"),
      mirror: figure.querySelector("[data-action='mirror']"),
      fps: parseFloat(figure.getAttribute("data-fps")) || 30,
      duration: parseFloat(figure.getAttribute("data-duration")) || 0,
      width: parseInt(figure.getAttribute("data-width"), 10) || 640,
      height: parseInt(figure.getAttribute("data-height"), 10) || 360,
      measureUrl: figure.getAttribute("data-measure-url"),
      mirrored: false,
    };
    clip.svg.setAttribute("viewBox", "0 0 " + clip.width + " " + clip.height);
    clip.stage.style.aspectRatio = clip.width + " / " + clip.height;
    clip.cross = [clip.width / 2, clip.height / 2];
    return clip;
  });
  var timeline = document.getElementById("timeline");
  var playButton = root.querySelector("[data-action='play']");
  var announce = document.getElementById("player-status");
  var timeOut = document.getElementById("timeline-time");
  var playing = false;

  function longest() {
    return clips.reduce(function (a, b) { return b.duration > a.duration ? b : a; });
  }

  var total = Math.max.apply(null, clips.map(function (c) { return c.duration; }));
  timeline.max = String(total);
  timeline.step = String(1 / Math.max.apply(null, clips.map(function (c) { return c.fps; })));

  function frameOf(clip, time) {
    return Math.floor(time * clip.fps + 1e-6);
  }

  function lastFrame(clip) {
    return Math.max(0, Math.ceil(clip.duration * clip.fps) - 1);
  }

  function clock(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = (seconds - minutes * 60).toFixed(2);
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function show() {
    clips.forEach(function (clip) {
      var t = clip.video.currentTime;
      clip.readout.textContent = clock(t) + " · frame " + (frameOf(clip, t) + 1) + " of " + (lastFrame(clip) + 1);
      clip.figure.setAttribute("data-frame", String(frameOf(clip, t)));
    });
    var t = longest().video.currentTime;
    timeline.value = String(t);
    timeline.setAttribute("aria-valuetext", clock(t));
    timeOut.textContent = clock(t) + " of " + clock(total);
  }

  function say(message) {
    announce.textContent = message;
  }

  function seekAll(time) {
    var t = Math.min(Math.max(time, 0), total);
    clips.forEach(function (clip) {
      clip.video.currentTime = Math.min(t, clip.duration);
    });
    marks.frameChanged();
    show();
  }

  function pauseAll() {
    playing = false;
    clips.forEach(function (clip) { clip.video.pause(); });
    playButton.textContent = "Play";
    playButton.setAttribute("aria-pressed", "false");
    show();
  }

  function playAll() {
    if (longest().video.currentTime >= total - 0.001) {
      seekAll(0);
    }
    playing = true;
    marks.frameChanged();
    clips.forEach(function (clip) {
      if (clip.video.currentTime < clip.duration) {
        var started = clip.video.play();
        if (started && started.catch) {
          started.catch(function () { pauseAll(); });
        }
      }
    });
    playButton.textContent = "Pause";
    playButton.setAttribute("aria-pressed", "true");
    requestAnimationFrame(follow);
  }

  // While playing, the other clip follows the longest one within a frame.
  function follow() {
    if (!playing) {
      return;
    }
    var lead = longest();
    var t = lead.video.currentTime;
    clips.forEach(function (clip) {
      if (clip !== lead && t < clip.duration && Math.abs(clip.video.currentTime - t) > 1.5 / clip.fps) {
        clip.video.currentTime = t;
      }
    });
    show();
    if (lead.video.ended || lead.video.paused) {
      pauseAll();
      say("Stopped at " + clock(lead.video.currentTime) + ".");
      return;
    }
    requestAnimationFrame(follow);
  }

  function togglePlay() {
    if (playing) {
      pauseAll();
      say("Paused at " + clock(longest().video.currentTime) + ".");
    } else {
      playAll();
    }
  }

  // One frame of the clip being measured: both clips move to the middle of its next frame.
  function step(direction) {
    if (playing) {
      pauseAll();
    }
    var clip = marks.clip();
    var frame = Math.min(Math.max(frameOf(clip, clip.video.currentTime) + direction, 0), lastFrame(clip));
    seekAll((frame + 0.5) / clip.fps);
    say("Frame " + (frame + 1) + " of " + (lastFrame(clip) + 1) + ", " + clock(clip.video.currentTime) + ".");
  }

  function setSpeed(rate) {
    clips.forEach(function (clip) { clip.video.playbackRate = rate; });
  }

  function toggleMirror(clip) {
    clip.mirrored = !clip.mirrored;
    clip.figure.classList.toggle("is-mirrored", clip.mirrored);
    clip.mirror.setAttribute("aria-pressed", String(clip.mirrored));
    say((clip.mirrored ? "Mirrored " : "Unmirrored ") + clip.side + " clip.");
  }

  // --- Marking points and taps ---------------------------------------------------------------
  var form = document.getElementById("measure-form");
  var kindsData = document.getElementById("measure-kinds");
  var kinds = kindsData ? JSON.parse(kindsData.textContent) : {};
  var marks = makeMarks();

  function makeMarks() {
    var state = { points: [], taps: [], clipSide: clips[0].side };
    var output = form ? form.querySelector("[data-result]") : null;
    var steps = form ? form.querySelector("[data-steps]") : null;
    var tapCount = form ? form.querySelector("[data-tap-count]") : null;
    var svgNS = "http://www.w3.org/2000/svg";

    function kind() {
      return kinds[form.elements.kind.value];
    }

    function clip() {
      var side = form ? form.elements.clip.value : state.clipSide;
      return clips.filter(function (c) { return c.side === side; })[0] || clips[0];
    }

    function draw() {
      clips.forEach(function (c) {
        while (c.svg.firstChild) {
          c.svg.removeChild(c.svg.firstChild);
        }
      });
      if (!form) {
        return;
      }
      var target = clip();
      var k = kind();
      var r = Math.max(target.width, target.height) / 120;
      var pts = state.points;
      if (pts.length > 1) {
        var line = document.createElementNS(svgNS, "polyline");
        line.setAttribute("points", pts.map(function (p) { return p.join(","); }).join(" "));
        line.setAttribute("class", "mark-line");
        line.setAttribute("stroke-width", String(r / 2));
        target.svg.appendChild(line);
      }
      if (pts.length > 0 && (k.reference === "vertical" || k.reference === "horizontal")) {
        var ref = document.createElementNS(svgNS, "line");
        var p = pts[0];
        ref.setAttribute("x1", String(k.reference === "vertical" ? p[0] : 0));
        ref.setAttribute("y1", String(k.reference === "vertical" ? 0 : p[1]));
        ref.setAttribute("x2", String(k.reference === "vertical" ? p[0] : target.width));
        ref.setAttribute("y2", String(k.reference === "vertical" ? target.height : p[1]));
        ref.setAttribute("class", "mark-reference");
        ref.setAttribute("stroke-width", String(r / 3));
        target.svg.appendChild(ref);
      }
      pts.forEach(function (point) {
        var dot = document.createElementNS(svgNS, "circle");
        dot.setAttribute("cx", String(point[0]));
        dot.setAttribute("cy", String(point[1]));
        dot.setAttribute("r", String(r));
        dot.setAttribute("class", "mark-point");
        target.svg.appendChild(dot);
      });
      if (target.stage === document.activeElement && k.reference !== "taps") {
        var cross = document.createElementNS(svgNS, "path");
        var x = target.cross[0], y = target.cross[1];
        cross.setAttribute("d", "M" + (x - 3 * r) + " " + y + "H" + (x + 3 * r) + "M" + x + " " + (y - 3 * r) + "V" + (y + 3 * r));
        cross.setAttribute("class", "mark-cross");
        cross.setAttribute("stroke-width", String(r / 3));
        target.svg.appendChild(cross);
      }
    }

    function describe() {
      if (!form) {
        return;
      }
      var k = kind();
      form.querySelector("[data-points-tools]").hidden = k.reference === "taps";
      form.querySelector("[data-taps-tools]").hidden = k.reference !== "taps";
      form.querySelector("[data-side]").hidden = !k.sided;
      form.elements.side.required = k.sided;
      while (steps.firstChild) {
        steps.removeChild(steps.firstChild);
      }
      k.points.forEach(function (name, index) {
        var item = document.createElement("li");
        item.textContent = name + (index < state.points.length ? " ✓" : "");
        if (index === state.points.length) {
          item.className = "fw-semibold";
          item.setAttribute("aria-current", "step");
        }
        steps.appendChild(item);
      });
      tapCount.textContent = state.taps.length + (state.taps.length === 1 ? " foot contact" : " foot contacts");
      var value = k.reference === "taps" ? cadence(state.taps) : measureAngle(k, state.points);
      if (value === null) {
        output.textContent = k.reference === "taps"
          ? "Tap at least " + MIN_TAPS + " foot contacts, left and right."
          : "Mark " + k.points.length + " points on a paused frame.";
      } else if (k.reference === "taps" && (value < CADENCE_MIN || value > CADENCE_MAX)) {
        output.textContent = value + " steps/min is outside " + CADENCE_MIN + "–" + CADENCE_MAX + ": tap every foot contact.";
      } else {
        output.textContent = k.label + ": " + value + (k.unit === "°" ? "°" : " " + k.unit);
      }
      output.setAttribute("data-value", value === null ? "" : String(value));
      form.querySelector("[data-save]").disabled = value === null;
      draw();
    }

    function clear(message) {
      var had = state.points.length > 0;
      state.points = [];
      describe();
      if (had && message) {
        say(message);
      }
    }

    function place(point) {
      var k = kind();
      if (k.reference === "taps") {
        return;
      }
      if (playing) {
        pauseAll();
      }
      if (state.points.length >= k.points.length) {
        state.points = [];
      }
      state.points.push([Math.round(point[0] * 10) / 10, Math.round(point[1] * 10) / 10]);
      state.time = clip().video.currentTime;
      describe();
      var done = state.points.length === k.points.length;
      say("Marked " + k.points[state.points.length - 1].toLowerCase() + "." + (done ? " " + output.textContent : ""));
    }

    function tap() {
      var time = Math.round(clip().video.currentTime * 1000) / 1000;
      if (state.taps.indexOf(time) !== -1) {
        say("A foot contact is already marked at " + clock(time) + "; step to the next contact.");
        return;
      }
      state.taps.push(time);
      describe();
      say("Foot contact at " + clock(clip().video.currentTime) + ".");
    }

    return {
      state: state,
      clip: clip,
      kind: kind,
      draw: draw,
      describe: describe,
      place: place,
      tap: tap,
      clear: clear,
      frameChanged: function () {
        if (form && state.points.length) {
          clear("Marks cleared: the frame changed.");
        }
      },
      resetTaps: function () {
        state.taps = [];
        describe();
      },
    };
  }

  // A click or tap on a clip marks a point in the video's own pixels (mirroring undone).
  function pointFromEvent(clip, event) {
    var box = clip.stage.getBoundingClientRect();
    var fx = (event.clientX - box.left) / box.width;
    var fy = (event.clientY - box.top) / box.height;
    if (clip.mirrored) {
      fx = 1 - fx;
    }
    return [Math.min(Math.max(fx, 0), 1) * clip.width, Math.min(Math.max(fy, 0), 1) * clip.height];
  }

  function chooseClip(clip) {
    if (form && form.elements.clip.value !== clip.side) {
      form.elements.clip.value = clip.side;
      marks.clear();
      marks.resetTaps();
    }
  }

  clips.forEach(function (clip) {
    clip.video.muted = true;
    clip.video.addEventListener("loadedmetadata", function () {
      if (!clip.duration && isFinite(clip.video.duration)) {
        clip.duration = clip.video.duration;
      }
      show();
    });
    clip.mirror.addEventListener("click", function () { toggleMirror(clip); });
    if (!form) {
      return;
    }
    clip.stage.addEventListener("click", function (event) {
      chooseClip(clip);
      marks.place(pointFromEvent(clip, event));
    });
    clip.stage.addEventListener("focus", function () { marks.draw(); });
    clip.stage.addEventListener("blur", function () { marks.draw(); });
    // Keyboard marking: arrows move a cross (Shift for big moves), Enter marks a point.
    clip.stage.addEventListener("keydown", function (event) {
      var small = Math.max(clip.width, clip.height) / 200;
      var move = event.shiftKey ? small * 10 : small;
      var dx = 0, dy = 0;
      if (event.key === "ArrowLeft") { dx = -move; }
      else if (event.key === "ArrowRight") { dx = move; }
      else if (event.key === "ArrowUp") { dy = -move; }
      else if (event.key === "ArrowDown") { dy = move; }
      else if (event.key === " ") {
        event.preventDefault();
        togglePlay();
        return;
      } else if (event.key === "Enter") {
        event.preventDefault();
        chooseClip(clip);
        marks.place(clip.cross.slice());
        return;
      } else {
        return;
      }
      event.preventDefault();
      if (clip.mirrored) {
        dx = -dx;
      }
      clip.cross = [
        Math.min(Math.max(clip.cross[0] + dx, 0), clip.width),
        Math.min(Math.max(clip.cross[1] + dy, 0), clip.height),
      ];
      marks.draw();
    });
  });

  playButton.addEventListener("click", togglePlay);
  root.querySelector("[data-action='back']").addEventListener("click", function () { step(-1); });
  root.querySelector("[data-action='forward']").addEventListener("click", function () { step(1); });
  timeline.addEventListener("input", function () {
    if (playing) {
      pauseAll();
    }
    seekAll(parseFloat(timeline.value));
  });
  root.querySelectorAll("input[name='speed']").forEach(function (radio) {
    radio.addEventListener("change", function () {
      setSpeed(parseFloat(radio.value));
      say("Speed " + radio.value + "×.");
    });
  });

  // Space plays or pauses, ← → step one frame, T taps a foot contact; form fields keep their keys.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var tag = target.tagName;
    if (event.altKey || event.ctrlKey || event.metaKey || tag === "INPUT" || tag === "SELECT" ||
        tag === "TEXTAREA" || target.isContentEditable || target.classList.contains("clip-stage")) {
      return;
    }
    if (event.key === " " && tag !== "BUTTON" && tag !== "A" && tag !== "SUMMARY") {
      event.preventDefault();
      togglePlay();
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      step(event.key === "ArrowLeft" ? -1 : 1);
    } else if ((event.key === "t" || event.key === "T") && form && marks.kind().reference === "taps") {
      marks.tap();
    }
  });

  // --- Saving a measurement ------------------------------------------------------------------
  function showErrors(errors, detail) {
    form.querySelectorAll(".invalid-feedback[data-for]").forEach(function (node) {
      node.textContent = "";
    });
    form.querySelectorAll(".is-invalid").forEach(function (node) { node.classList.remove("is-invalid"); });
    var messages = [];
    Object.keys(errors || {}).forEach(function (field) {
      var text = errors[field].join(" ");
      var slot = form.querySelector(".invalid-feedback[data-for='" + field + "']");
      var input = form.elements[field];
      if (slot && input && input.classList) {
        slot.textContent = text;
        input.classList.add("is-invalid");
      } else {
        messages.push(text);
      }
    });
    var box = form.querySelector("[data-errors]");
    box.textContent = [detail].concat(messages).filter(Boolean).join(" ");
    box.hidden = !box.textContent;
    // The marks and foot contacts stay: fix the field and save again.
    var invalid = form.querySelector("select.is-invalid, input.is-invalid");
    if (invalid) {
      invalid.focus();
    }
  }

  function addSavedRow(saved) {
    var body = document.getElementById("saved-measurements");
    var empty = document.getElementById("saved-empty");
    if (empty) {
      empty.hidden = true;
    }
    body.closest("table").hidden = false;
    var row = document.createElement("tr");
    [saved.clip, saved.time_display, saved.label, saved.value_display, saved.gait_display].forEach(function (text) {
      var cell = document.createElement("td");
      cell.textContent = text;
      row.appendChild(cell);
    });
    body.insertBefore(row, body.firstChild);
  }

  if (form) {
    form.elements.kind.addEventListener("change", function () {
      marks.clear();
      marks.resetTaps();
    });
    form.querySelectorAll("input[name='clip']").forEach(function (radio) {
      radio.addEventListener("change", function () {
        marks.clear();
        marks.resetTaps();
      });
    });
    form.querySelector("[data-action='undo']").addEventListener("click", function () {
      marks.state.points.pop();
      marks.describe();
    });
    form.querySelector("[data-action='clear']").addEventListener("click", function () {
      marks.clear();
      marks.resetTaps();
      say("Marks cleared.");
    });
    form.querySelector("[data-action='tap']").addEventListener("click", function () { marks.tap(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var k = marks.kind();
      var clip = marks.clip();
      var data = new FormData(form);
      data.set("time", (k.reference === "taps" ? Math.min.apply(null, marks.state.taps) : marks.state.time).toFixed(3));
      data.set("points", JSON.stringify(k.reference === "taps" ? [] : marks.state.points));
      data.set("taps", JSON.stringify(k.reference === "taps" ? marks.state.taps : []));
      var save = form.querySelector("[data-save]");
      save.disabled = true;
      fetch(clip.measureUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (!result.ok) {
          showErrors(result.body.errors, result.body.detail);
          say("Not saved: " + (result.body.detail || "check the form."));
          save.disabled = false;
          return;
        }
        showErrors({}, "");
        addSavedRow(result.body);
        marks.clear();
        marks.resetTaps();
        say("Saved " + result.body.label + " " + result.body.value_display + " to the gait analysis of " + result.body.gait_display + ".");
      }).catch(function () {
        showErrors({}, "Could not reach the server; the measurement was not saved. Try again.");
        save.disabled = false;
      });
    });
    marks.describe();
  }
  show();
})();
