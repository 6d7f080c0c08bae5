"""Every key of the workbench in one place, grouped as the help screen shows them.

Each binding has an id (users may remap it through Textual's keymap) and a tooltip. ``show=True`` marks
the handful the footer shows; the rest are in the help screen and the command palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from fitgap.tui.widgets.virtual_table import VirtualTable


@dataclass(frozen=True)
class KeyGroup:
    title: str
    bindings: tuple[Binding, ...]


def _b(key: str, action: str, description: str, tooltip: str, *, id: str, show: bool = False,
       key_display: str | None = None, priority: bool = False) -> Binding:
    return Binding(key, action, description, show=show, key_display=key_display, tooltip=tooltip, id=id,
                   priority=priority)


APP = KeyGroup("全体", (
    _b("question_mark,f1", "app.help", "ヘルプ", "すべてのキーの一覧を表示します", id="app.help", show=True,
       key_display="?"),
    _b("z,ctrl+z", "app.undo", "元に戻す", "直前の変更（一括変更を含む）を取り消します", id="app.undo", key_display="z"),
    _b("y,ctrl+y", "app.redo", "やり直す", "取り消した変更をもう一度行います", id="app.redo", key_display="y"),
    _b("ctrl+q", "app.quit", "終了", "閉じます（書きかけの入力は保存・下書き・破棄を選べます）", id="app.quit", priority=True),
))
PALETTE_NOTE = ("ctrl+p", "コマンドパレット（すべての操作を日本語の名前で検索: 開く / 判定 / 取り込み / 報告書 …）")
# the palette's key, as the footer shows it at its right end (Textual's own says "palette")
PALETTE = _b("ctrl+p", "command_palette", "コマンド", PALETTE_NOTE[1], id="app.palette", priority=True)

OPERATIONS = KeyGroup("業務一覧", (
    _b("enter", "open", "開く", "選んだ業務の要件一覧を開きます", id="operations.open", show=True),
    _b("a", "open_all", "全業務の要件", "全業務の要件をまとめて開きます", id="operations.all", show=True),
    _b("c", "continue_last", "前回の続き", "前回の要件一覧（業務・絞り込み・並び順）を開きます",
       id="operations.continue", show=True),
    _b("i", "open_data", "データ要件", "選んだ業務の基本データリスト（データ項目）を開きます（なければ全業務）",
       id="operations.data"),
    _b("b", "open_bpr", "業務見直し", "選んだ業務の業務見直し（担当課・期日・状況）を開きます",
       id="operations.bpr"),
    _b("d", "edit_deadline", "期限", "選んだ業務の期限を手動で設定・解除します（特定移行支援・個別設定と理由）",
       id="operations.deadline"),
    _b("p", "open_peers", "進捗の比較", "進捗状況調査での当団体の位置（県の中央値・全国の分布）を開きます",
       id="operations.peers"),
    _b("r", "reload", "再読込", "件数を読み直します（他の利用者の変更を反映）", id="operations.reload"),
    _b("q", "app.quit", "終了", "作業画面を閉じます（ctrl+q はどの画面からでも）", id="operations.quit"),
))

MARK = KeyGroup("判定（1キーで判定して次の行へ）", (
    _b("1,f", "mark('適合')", "適合", "適合にして次の要件へ（選択中なら選択したすべて）", id="mark.fit", show=True,
       key_display="1"),
    _b("2,g", "mark('ギャップ')", "ギャップ", "ギャップにして次の要件へ", id="mark.gap", show=True, key_display="2"),
    _b("3,n", "mark('対象外')", "対象外", "対象外にして次の要件へ", id="mark.na", show=True, key_display="3"),
    # 0 is no mark key: standard IDs begin with it (001…), so a 0 typed in the list starts a search
    _b("u", "mark('未確認')", "未確認", "未確認に戻して次の要件へ", id="mark.unchecked"),
    _b("d", "disposition", "対応方針", "ギャップの対応方針（業務見直し・運用で対応・EUC …）を選びます",
       id="mark.disposition", show=True),
    _b("e", "note", "メモ", "メモを編集します（複数行）", id="note.edit", show=True),
    _b("E", "note_editor", "エディタでメモ", "メモを $EDITOR で編集します（長い日本語の入力に）", id="note.editor"),
))

SELECT = KeyGroup("選択と一括変更", (
    _b("space", "toggle_select", "選択", "この要件を選択／解除して次へ", id="select.toggle"),
    _b("shift+down", "extend_select(1)", "選択を下へ広げる", "選択を下へ広げます", id="select.down"),
    _b("shift+up", "extend_select(-1)", "選択を上へ広げる", "選択を上へ広げます", id="select.up"),
    _b("ctrl+a", "select_all", "絞り込み結果をすべて選択", "いまの絞り込みに当てはまる要件をすべて選択します",
       id="select.all"),
    _b("escape", "back", "戻る", "選択があれば解除、なければ業務一覧へ戻ります", id="screen.back", show=True,
       key_display="esc"),
))

FIND = KeyGroup("検索・絞り込み・並べ替え", (
    _b("slash", "search", "検索", "ID・名称・本文を検索します（入力しながら絞り込み）", id="find.search", show=True,
       key_display="/"),
    _b("F", "filter", "絞り込み", "状況・区分・方針・重要度・フラグで絞り込みます", id="find.filter"),
    _b("x", "clear_filter", "絞り込み解除", "検索と絞り込みをすべて解除します", id="find.clear"),
    _b("s", "sort", "並べ替え", "並べ替える列を選びます（同じ列でもう一度: 逆順）", id="find.sort"),
    _b("S", "reverse_sort", "逆順", "並び順を逆にします", id="find.reverse"),
    _b("v", "open_view", "ビューを開く", "保存したビュー（絞り込み＋並べ替え）を開きます", id="view.open"),
    _b("V", "save_view", "ビューを保存", "いまの絞り込みと並べ替えに名前を付けて保存します", id="view.save"),
    _b("r", "reload", "読み直し", "一覧と詳細を読み直します（他の利用者の変更を反映）", id="list.reload"),
))

DETAIL = KeyGroup("詳細", (
    _b("right_square_bracket", "detail_scroll(1)", "詳細を下へ", "詳細欄を下へスクロール", id="detail.down",
       key_display="]"),
    _b("left_square_bracket", "detail_scroll(-1)", "詳細を上へ", "詳細欄を上へスクロール", id="detail.up",
       key_display="["),
))

REQUIREMENTS = (MARK, SELECT, FIND, DETAIL)

MOVE = KeyGroup("移動（表）", tuple(b for b in VirtualTable.BINDINGS if isinstance(b, Binding)))


def _keys(b: Binding) -> str:
    return " / ".join(k.strip().replace("question_mark", "?").replace("slash", "/")
                      .replace("right_square_bracket", "]").replace("left_square_bracket", "[")
                      for k in b.key.split(","))


# what a group's help says besides its bindings
GROUP_NOTES: dict[str, tuple[tuple[str, str], ...]] = {
    FIND.title: (("0 / 4〜9 / 文字",
                  "一覧で打つと検索に入ります（判定しません。enter で一覧へ、esc で取消）"),),
}


def rows(group: KeyGroup) -> list[tuple[str, str]]:
    return [*((_keys(b), b.tooltip or b.description) for b in group.bindings), *GROUP_NOTES.get(group.title, ())]


# the help of the screens whose keys come in several groups; any other screen lists its own BINDINGS
SCREEN_GROUPS: dict[str, tuple[KeyGroup, ...]] = {
    "OperationsScreen": (OPERATIONS, MOVE),
    "RequirementsScreen": (*REQUIREMENTS, MOVE),
}


SCREEN_TITLES = {"SystemsScreen": "システムと移行計画"}


def screen_help_groups(screen: object) -> list[tuple[str, list[tuple[str, str]]]]:
    """The keys of ``screen`` (under its title), then the keys that work on every screen."""
    name = type(screen).__name__
    groups = SCREEN_GROUPS.get(name)
    if groups is None:
        own = tuple(b for b in getattr(type(screen), "BINDINGS", ()) if isinstance(b, Binding))
        title = SCREEN_TITLES.get(name) or str(getattr(screen, "HELP_TITLE", "") or "この画面")
        groups = (KeyGroup(f"{title}のキー", own),) if own else ()
    return [*((g.title, rows(g)) for g in groups), (APP.title, [*rows(APP), PALETTE_NOTE])]


def help_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """(group title, [(keys, description)]) for the help screen: every key of the workbench."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    out.append((APP.title, [*rows(APP), PALETTE_NOTE]))
    out.append((OPERATIONS.title, rows(OPERATIONS)))
    out.append((MOVE.title, rows(MOVE)))
    out.extend((g.title, rows(g)) for g in REQUIREMENTS)
    return out
