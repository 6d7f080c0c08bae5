"""Issue 23's figures through the real entry point: `fitgap` in a pseudo-terminal, keys written to it, the
time until the screen shows the answer (see pty_app), beside a bare Textual app doing the same with no
fitgap code (the floor of a key, a screen change and a redraw through the terminal), at 300 and 30,000
requirements in the same run. Medians of RUNS.

- The systems screen: opened from the palette (the first time in a session, and again), a save of a
  planned date (p, the date, enter: until the new date is on the screen) and its undo (z: until the
  notice) — target ≤ 0.2 s at 30,000.
- The search as typed, over all requirements: one key (after the previous key's result is shown) and the
  last key of a word typed faster than the results come (40 ms between keys), until the count of the new
  result is on the screen — target ≤ 120 ms at 30,000.
- The palette right after start: ctrl+p and 報告書 as soon as the home screen is up (the database still
  being opened in the background), from 報告書 until the report's entry is listed — target ≤ 0.2 s.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from harness import FITGAP, PYTHON, RUNS
from pty_app import PtyApp

HOME_MARK = "国民年金"  # the last of the 20 operations on the home screen
SETTLE_S = 3.0  # after the home screen: the database opened, then the other screens' modules loaded (1 s later)
FAST_GAP_S = 0.04  # between keys typed faster than the results come
WORD_LEN = 4  # characters of the word searched
SYSTEMS_DONE = "リスク高"  # the systems screen's summary line, drawn once its data is
PALETTE_HIT = "移行準備状況"  # the report's entry (its title and help) in the palette
SEARCH_SQL = ("SELECT count(*) FROM requirement WHERE current = 1 AND (req_id LIKE ? OR name LIKE ? OR text LIKE ?)")

BARE_SCREENS = f"""
from textual.app import App
from textual.command import Hit, Hits, Provider
from textual.screen import Screen
from textual.widgets import Static

class Systems(Screen):
    BINDINGS = [("p", "edit", "edit"), ("enter", "save", "save"), ("z", "undo", "undo"),
                ("escape", "app.pop_screen", "back")]
    def compose(self):
        yield Static("システム 24件　連携 30件　{SYSTEMS_DONE} 0件")
        yield Static("", id="date")
    def action_edit(self):
        pass
    def action_save(self):
        self.query_one("#date", Static).update("2029-02-11")
    def action_undo(self):
        self.notify("元に戻しました")

class Commands(Provider):
    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        title = "開く: システムと移行計画"
        if matcher.match(title) > 0:
            yield Hit(1, matcher.highlight(title), lambda: self.app.push_screen(Systems()),
                      help="システムの依存関係、移行の波、日程の矛盾、期限リスク、年度タイムライン")

class Bare(App):
    COMMANDS = {{Commands}}
    def compose(self):
        yield Static("{HOME_MARK}")

Bare().run()
"""

BARE_SEARCH = f"""
import sqlite3, sys
from textual.app import App
from textual.widgets import Input, Static

class Bare(App):
    def compose(self):
        yield Static("", id="title")
        yield Input(id="q")
    def on_mount(self):
        self.con = sqlite3.connect(sys.argv[1])
        self.total = self.con.execute("SELECT count(*) FROM requirement WHERE current = 1").fetchone()[0]
        self.show(None)
        self.query_one(Input).focus()
    def show(self, n):
        shown = f"{{self.total:,}}件" if n is None else f"{{n:,}}件 / 全{{self.total:,}}件"
        self.query_one("#title", Static).update(f"全業務 の要件　{{shown}}　並び")
    def on_input_changed(self, event):
        p = f"%{{event.value}}%"
        self.show(self.con.execute({SEARCH_SQL!r}, (p, p, p)).fetchone()[0] if event.value else None)

Bare().run()
"""

BARE_PALETTE = f"""
from functools import partial
from textual.app import App
from textual.command import Hit, Hits, Provider
from textual.widgets import Static

TITLES = [f"開く: 業務{{i}}" for i in range(25)] + [f"判定: 状況{{i}}" for i in range(20)] + [
    "報告書: 移行準備状況報告書（Excel・HTML）", "取り込み: 要件一覧…", "書き出し: ベンダ回答シート…"]

class Commands(Provider):
    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title in TITLES:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(print, title), help=title)

class Bare(App):
    COMMANDS = {{Commands}}
    def compose(self):
        yield Static("{HOME_MARK}")

Bare().run()
"""


def _bare(script: str, *args: str) -> list[str]:
    return [PYTHON, "-c", script, *args]


@dataclass
class Figures:
    """Seconds per measurement, by name."""

    times: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)  # CPU seconds of the app for the same actions
    words: dict[str, str] = field(default_factory=dict)  # the word searched, per database

    def add(self, name: str, seconds: float, cpu: float) -> None:
        self.times.setdefault(name, []).append(seconds)
        self.cpu.setdefault(name, []).append(cpu)

    def ms(self, name: str) -> float:
        return 1000 * median(self.times[name])

    def cpu_ms(self, name: str) -> float:
        return 1000 * median(self.cpu[name])


# ---- the systems screen --------------------------------------------------------------------------


def _timed(app: PtyApp, out: Figures, name: str, marker: str, *keys: str, settle: float = 0.6) -> None:
    """Write ``keys``; the wall time until ``marker`` is on the screen, and the CPU time the app used for
    them (read after ``settle``, so that the rest of the frame is counted too)."""
    cpu = app.cpu_s()
    t = app.send(*keys)
    wall = app.wait_for(marker) - t
    app.sleep(settle)
    out.add(name, wall, app.cpu_s() - cpu)


def _open_systems(app: PtyApp, out: Figures, name: str) -> None:
    """From the home screen through the palette, as users open it: from enter on the listed entry."""
    app.send("ctrl+p")
    app.sleep(0.3)
    app.send("システムと移行計画")
    app.wait_for("移行の波、日程の矛盾")  # the entry's help: listed
    app.sleep(0.3)
    _timed(app, out, name, SYSTEMS_DONE, "enter")


def _systems_session(cmd: list[str], out: Figures, tag: str, date: str) -> None:
    with PtyApp(cmd) as app:
        app.wait_for(HOME_MARK)
        app.sleep(SETTLE_S)
        _open_systems(app, out, f"{tag}_open_first")
        app.send("p")  # the planned date of the first system
        app.sleep(0.6)
        for key in ("end", "ctrl+u", date):  # one write each (an escape sequence must not run into text)
            app.send(key)
            app.sleep(0.15)
        _timed(app, out, f"{tag}_save", date, "enter")
        _timed(app, out, f"{tag}_undo", "元に戻しました", "z")
        app.send("escape")
        app.wait_for(HOME_MARK)
        app.sleep(0.5)
        _open_systems(app, out, f"{tag}_open_again")


def systems(db: Path, out: Figures, tag: str) -> None:
    for run in range(RUNS):
        _systems_session([FITGAP, "--db", str(db)], out, tag, f"2029-0{1 + run}-1{run}")


def systems_bare(out: Figures) -> None:
    for _ in range(RUNS):  # (its first save shows this date, whatever was typed)
        _systems_session(_bare(BARE_SCREENS), out, "bare", "2029-02-11")


# ---- the search as typed -------------------------------------------------------------------------


def search_word(db: Path) -> str:
    """The first WORD_LEN characters of a requirement text (one word: no space) whose prefixes give the
    most different counts (a key that changes nothing on the screen cannot be timed)."""
    con = sqlite3.connect(db)
    try:
        texts = [r[0] for r in con.execute("SELECT text FROM requirement WHERE current = 1 AND length(text) >= 12 "
                                           "ORDER BY id LIMIT 200")]
        words = [t[:WORD_LEN] for t in texts if not any(c.isspace() for c in t[:WORD_LEN])]
        return max(words, key=lambda w: len({_bare_count(con, w[:n]) for n in range(1, WORD_LEN + 1)}))
    finally:
        con.close()


def _bare_count(con: sqlite3.Connection, text: str) -> int:
    p = f"%{text}%"
    return int(con.execute(SEARCH_SQL, (p, p, p)).fetchone()[0])


def _ours_counts(db: Path, word: str) -> tuple[int, list[int]]:
    """What fitgap shows for each prefix (its own search: read with its services, before timing); each
    prefix that shows another count than the one before it is timed (else its key changes nothing)."""
    from fitgap.config import sqlite_url
    from fitgap.services.database import open_db
    from fitgap.services.items import ItemFilter, count_items

    database = open_db(url=sqlite_url(db))
    try:
        total = count_items(db=database, flt=ItemFilter())
        counts = [count_items(db=database, flt=ItemFilter(text=word[:n])) for n in range(1, len(word) + 1)]
    finally:
        database.dispose()
    return total, counts


def _type_and_time(app: PtyApp, word: str, total: int, counts: list[int], out: Figures, tag: str) -> None:
    def shown(n: int | None) -> str:
        return f"{total:,}件　並び" if n is None else f"{n:,}件 / 全{total:,}件"

    before = [total, *counts]
    for _ in range(RUNS):
        for k in range(1, len(word) + 1):  # one key at a time, each after the previous result is shown
            if counts[k - 1] != before[k - 1]:
                _timed(app, out, f"{tag}_key{k}", shown(counts[k - 1]), word[k - 1], settle=0.3)
            else:  # a key that changes nothing on the screen cannot be timed
                app.send(word[k - 1])
                app.sleep(0.3)
        app.send("ctrl+u")
        app.wait_for(shown(None))
        app.sleep(0.4)
        cpu = app.cpu_s()
        t = app.type_slowly(word, FAST_GAP_S)  # faster than the results: timed from the last key
        wall = app.wait_for(shown(counts[-1])) - t
        app.sleep(0.3)
        out.add(f"{tag}_burst", wall, app.cpu_s() - cpu)  # (CPU: of all the word's keys)
        app.send("ctrl+u")
        app.wait_for(shown(None))
        app.sleep(0.4)


def search(db: Path, word: str, out: Figures, tag: str) -> None:
    total, counts = _ours_counts(db, word)
    with PtyApp([FITGAP, "--db", str(db)]) as app:
        app.wait_for(HOME_MARK)
        app.sleep(SETTLE_S)
        app.send("a")  # all requirements
        app.wait_for(f"{total:,}件　並び")
        app.sleep(0.8)
        app.send("/")
        app.sleep(0.4)
        _type_and_time(app, word, total, counts, out, tag)


def search_bare(db: Path, word: str, out: Figures, tag: str) -> None:
    con = sqlite3.connect(db)
    total = int(con.execute("SELECT count(*) FROM requirement WHERE current = 1").fetchone()[0])
    counts = [_bare_count(con, word[:n]) for n in range(1, len(word) + 1)]
    con.close()
    with PtyApp(_bare(BARE_SEARCH, str(db))) as app:
        app.wait_for(f"{total:,}件　並び")
        app.sleep(0.5)
        _type_and_time(app, word, total, counts, out, tag)


# ---- the palette right after start ---------------------------------------------------------------


def palette(cmd: list[str], out: Figures, tag: str) -> None:
    for _ in range(RUNS):
        with PtyApp(cmd) as app:
            app.wait_for(HOME_MARK)
            cpu = app.cpu_s()
            app.send("ctrl+p")
            app.sleep(0.05)
            t = app.send("報告書")  # typed at once: the palette has nothing listed for it before
            wall = app.wait_for(PALETTE_HIT) - t
            out.add(tag, wall, app.cpu_s() - cpu)  # (CPU: also of the start's background work meanwhile)
            app.send("escape")
            app.sleep(0.3)


# ---- all of it -----------------------------------------------------------------------------------


def measure(small: Path, large: Path) -> Figures:
    out = Figures()
    systems_bare(out)
    for db, tag in ((small, "small"), (large, "large")):
        systems(db, out, tag)
    out.words = {"small": search_word(small), "large": search_word(large)}
    search_bare(large, out.words["large"], out, "bare_search")
    for db, tag in ((small, "small"), (large, "large")):
        search(db, out.words[tag], out, f"{tag}_search")
    palette(_bare(BARE_PALETTE), out, "bare_palette")
    for db, tag in ((small, "small_palette"), (large, "large_palette")):
        palette([FITGAP, "--db", str(db)], out, tag)
    return out


Judge = Callable[[str, float, float, str, str], None]  # label, value, target, unit, detail: prints met / NOT MET


def report(f: Figures, j: Judge, small: int, large: int) -> None:
    """Print each figure with its target, met / NOT MET (on wall time; the app's CPU time beside it)."""

    def both(name: str) -> str:
        return f"{f.ms(name):.0f} ms (CPU {f.cpu_ms(name):.0f})"

    print(f"systems screen through the palette, whole process in a pseudo-terminal ({RUNS} sessions each; wall"
          " time from the key to the answer on the screen, the app's CPU time in brackets):")
    for key, label in (("open_first", "open (first time in the session)"), ("open_again", "open again"),
                       ("save", "save a planned date (p … enter)"), ("undo", "undo it (z)")):
        a, b, base = f"small_{key}", f"large_{key}", f"bare_{key}"
        j(f"{label}, {large:,}", f.ms(b), 200, " ms",
          f"(CPU {f.cpu_ms(b):.0f} ms; {small:,}: {both(a)}, ratio {f.ms(b) / f.ms(a):.2f}; bare Textual app"
          f" {both(base)}, ratio {f.ms(b) / f.ms(base):.1f})")
    word, other = f.words["large"], f.words["small"]
    print(f"search as typed over all requirements, one key at a time and typed fast ({RUNS} rounds; wall time"
          f" from the key to the new count on the screen; no debounce; 「{word}」, at {small:,} 「{other}」):")
    for k in range(1, len(word) + 1):
        name = f"large_search_key{k}"
        if name not in f.times:
            print(f"  key {k} 「{word[:k]}」, {large:,}: the same count as before the key (not timed)")
            continue
        mine = f"small_search_key{k}"
        at_small = both(mine) if mine in f.times else "— (the key changes nothing there)"
        base = f"bare_search_key{k}"
        j(f"key {k} 「{word[:k]}」, {large:,}", f.ms(name), 120, " ms",
          f"(CPU {f.cpu_ms(name):.0f} ms; {small:,}, key {k}: {at_small}; bare Textual + sqlite3 LIKE count"
          f" {both(base)}, ratio {f.ms(name) / f.ms(base):.1f})")
    b = "large_search_burst"
    j(f"last key of 「{word}」 typed {1000 * FAST_GAP_S:.0f} ms apart, {large:,}", f.ms(b), 120, " ms",
      f"(CPU of the {len(word)} keys {f.cpu_ms(b):.0f} ms; {small:,}: {both('small_search_burst')}; bare"
      f" {both('bare_search_burst')}, ratio {f.ms(b) / f.ms('bare_search_burst'):.1f})")
    print(f"palette right after start: ctrl+p and 報告書 as soon as the home screen is up ({RUNS} starts; CPU"
          " includes the start's background work meanwhile):")
    for tag, n in (("small_palette", small), ("large_palette", large)):
        j(f"報告書 listed, {n:,}", f.ms(tag), 200, " ms",
          f"(CPU {f.cpu_ms(tag):.0f} ms; bare Textual app with a palette of 48 commands {both('bare_palette')},"
          f" ratio {f.ms(tag) / f.ms('bare_palette'):.1f})")


if __name__ == "__main__":  # a quick look: python tui_keys.py SMALL.db LARGE.db
    figures = measure(Path(sys.argv[1]), Path(sys.argv[2]))

    def show(label: str, value: float, target: float, unit: str, detail: str = "") -> None:
        print(f"  {label}: {value:.0f}{unit} (target ≤ {target:g}{unit}) {'met' if value <= target else 'NOT MET'}"
              f"  {detail}")

    report(figures, show, 300, 30_000)
