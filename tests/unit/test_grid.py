"""Stage 1, read: tables drawn with box-drawing characters in text → a line per row."""
import pytest

from ingest.read import BLANK_CELL
from ingest.read.grid import grid_lines

W3M = """三、收到和处理政府信息公开申请情况
┌────────────┬────┬────┐
│一、本年新收│71  │74  │
├────────────┼────┼────┤
│（二）部分公│    │9   │
│开（区分处理│    │    │
├────┬───────┼────┼────┤
│    │1.属于 │0   │0   │
│（三│国家秘 │    │    │
│）不├───────┼────┼────┤
│予公│2.其他 │1   │1   │
│开  │法律   │    │    │
└────┴───────┴────┴────┘
正文"""

ASCII = """+--------------+------+------+
| 行政许可     | 0    | +29  |
+--------------+------+------+
| 其他对外管理 | 0    | -3   |
| 服务事项     |      |      |
+--------------+------+------+"""


@pytest.mark.parametrize("text, rows", [
    # cells by the grid's columns (CJK two columns wide), a label wrapped in its cell joined, a blank
    # cell kept in its place, a column merged down over two rows (its rule only partial) read on
    (W3M, [("三、收到和处理政府信息公开申请情况", 0), ("一、本年新收 | 71 | 74", 2),
           (f"（二）部分公开（区分处理 | {BLANK_CELL} | 9", 4), ("（三 | 1.属于国家秘 | 0 | 0", 7),
           ("）不予公开 | 2.其他法律 | 1 | 1", 9), ("正文", 13)]),
    # +---+ rules: signs are the values' own
    (ASCII, [("行政许可 | 0 | +29", 1), ("其他对外管理服务事项 | 0 | -3", 3)]),
])
def test_grid_lines(text, rows):
    assert grid_lines(text.split("\n")) == rows


def test_text_without_a_drawn_table_is_left_as_it_is():
    assert grid_lines(["| a | b |", "| 1 | 2 |"]) is None


@pytest.mark.parametrize("lines, rows", [
    # a browser's copy of cells holding paragraphs: each tab on a line of its own
    (["一、本年新收", "", "\t", "", "\t", "", "341", "", "\t", "", "776", "", "二、上年结转", "", "\t", "", "55", "",
      "\t", "", "55"], [(f"一、本年新收 | {BLANK_CELL} | 341 | 776", 0), ("二、上年结转\t55\t55", 12)]),
    # a blank last cell before the next row's label
    (["2.重复申请", "\t", "0", "\t", "45", "\t", "", "3.要求提供", "\t", "0", "\t", "5"],
     [(f"2.重复申请 | 0 | 45 | {BLANK_CELL}", 0), ("3.要求提供\t0\t5", 7)]),
    # tabs within a line: every cell in its place
    (["规章\t0\t\t3", "正文"], [(f"规章 | 0 | {BLANK_CELL} | 3", 0), ("正文", 1)]),
])
def test_tab_rows(lines, rows):
    from ingest.read.tabs import tab_rows
    assert tab_rows(lines) == rows
