"""Stage 7, the agency: real names of every level placed in their division, or left unplaced."""
import csv

import pytest

from ingest import agency
from ingest.form import seeds_dir

# name, title, address, manifest → division_code, status, level, kind, key
CASES = [
    # province level: governments and same-named departments of different provinces
    ("广东省人民政府", None, None, None, "440000", "mapped", "province", "government", "440000||"),
    ("广东省教育厅", None, None, None, "440000", "mapped", "province", "department", "440000||教育厅"),
    ("湖南省教育厅", None, None, None, "430000", "mapped", "province", "department", "430000||教育厅"),
    ("广西壮族自治区人民政府", None, None, None, "450000", "mapped", "province", "government", "450000||"),
    ("上海市人民政府办公厅", None, None, None, "310000", "mapped", "province", "department", "310000||人民政府办公厅"),
    # prefecture level, including one named like its province (吉林) and an autonomous prefecture's short form
    ("吉林市人民政府", None, None, None, "220200", "mapped", "prefecture", "government", "220200||"),
    ("吉林省吉林市教育局", None, None, None, "220200", "mapped", "prefecture", "department", "220200||教育局"),
    ("凉山州人民政府", None, None, None, "513400", "mapped", "prefecture", "government", "513400||"),
    ("国家税务总局泸州市税务局", None, None, None, "510500", "mapped", "prefecture", "department", "510500||国家税务总局税务局"),
    # county level: with and without the city, 市中区 settled by the city, the title or the address
    ("泸州市纳溪区", None, None, None, "510503", "mapped", "county", "government", "510503||"),
    ("烟台市芝罘区发展和改革局", None, None, None, "370602", "mapped", "county", "department", "370602||发展和改革局"),
    ("洪泽区人民政府", None, None, None, "320813", "mapped", "county", "government", "320813||"),
    ("济南市市中区人民政府", None, None, None, "370103", "mapped", "county", "government", "370103||"),
    ("市中区人民政府", "乐山市市中区2022年政府信息公开工作年度报告", None, None, "511102", "mapped", "county", "government", "511102||"),
    ("市中区教育局", None, "枣庄市市中区光明路1号", None, "370402", "mapped", "county", "department", "370402||教育局"),
    ("市中区人民政府", None, None, None, None, "ambiguous", None, "government", "?|市中区"),
    ("鼓楼区人民政府", None, None, {"city": "福州市"}, "350102", "mapped", "county", "government", "350102||"),
    ("朝阳区人民政府", None, None, {"division_code": "110105"}, "110105", "mapped", "county", "government", "110105||"),
    ("石柱县人民政府", None, None, None, "500240", "mapped", "county", "government", "500240||"),
    ("平潭综合实验区", None, None, None, "350128", "mapped", "county", "zone", "350128||"),
    ("滨海新区人民政府", None, None, None, "120116", "mapped", "county", "government", "120116||"),
    ("苏州工业园区管理委员会", None, None, None, "320500", "mapped", "prefecture", "zone", "320500||工业园区管理委员会"),
    # townships and subdistricts: placed by the county in the name or in the address
    ("纳溪区永宁街道办事处", None, None, None, "510503", "mapped", "subdistrict", "government", "510503|永宁街道|"),
    ("湖山乡人民政府", None, "龙岩市永定区湖山乡人民政府", None, "350803", "mapped", "township", "government", "350803|湖山乡|"),
    ("湖山乡人民政府", None, None, None, None, "unknown", "township", "government", "?|湖山乡"),
    # a 厅 is a province's department wherever its office stands
    ("教育厅", None, "广州市越秀区东风东路723号", None, "440000", "mapped", "province", "department", "440000||教育厅"),
    # central bodies; names that say nowhere
    ("教育部", None, None, None, None, "central", "central", "department", "central||教育部"),
    ("国家统计局", None, None, None, None, "central", "central", "department", "central||国家统计局"),
    ("住房和城乡建设局", None, None, None, None, "unknown", None, "department", "?|住房和城乡建设局"),
]


@pytest.mark.parametrize("name,title,address,manifest,code,status,level,kind,key", CASES)
def test_real_names_are_placed(name, title, address, manifest, code, status, level, kind, key):
    place = agency.resolve(name, title, address, manifest)
    assert (place.division_code, place.division_status, place.agency_level, place.agency_kind, place.agency_key) \
        == (code, status, level, kind, key)


def test_an_ambiguous_name_lists_its_candidates():
    place = agency.resolve("鼓楼区人民政府")
    assert place.division_candidates == ["320106", "320302", "350102", "410204"]  # 南京, 徐州, 福州, 开封


def _divisions():
    with open(seeds_dir() / "divisions.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_name_with_its_full_chain_is_placed_exactly_and_a_bare_one_never_wrongly():
    """Every division, printed as its province + prefecture + own name + a body: placed at exactly
    that code. Its own name alone: that code, or ambiguous with it among the candidates, never
    another division."""
    rows = _divisions()
    names = {r["division_code"]: r["division_name"] for r in rows}
    wrong = []
    for r in rows:
        code = r["division_code"]
        chain = [names[c] for c in (r["province_code"], r["prefecture_code"]) if c and c != code] + [names[code]]
        full = agency.resolve("".join(chain) + "财政局")
        bare = agency.resolve(names[code] + "财政局")
        if full.division_code != code:
            wrong.append(("full", code, "".join(chain), full.division_code))
        if bare.division_code not in (code, None) or (bare.division_code is None and code not in (bare.division_candidates or [])):
            wrong.append(("bare", code, names[code], bare.division_code, bare.division_candidates))
    assert wrong == []


def _seed_script(name: str = "divisions_seed"):
    """A scripts/ seed writer, skipped when the reference data it reads is not here."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, seeds_dir().parent / "scripts" / f"{name}.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    source = script.AREACODES / "result.csv" if name == "divisions_seed" else script.TOWNSHIPS / "townships_2023.csv"
    if not source.exists():
        pytest.skip(f"no reference data at {source}")
    return script


def test_the_divisions_seeds_are_the_script_output():
    script = _seed_script()
    rows = script.read(script.AREACODES)
    assert (seeds_dir() / "divisions.csv").read_text(encoding="utf-8") == script.render(script.COLUMNS, script.current(rows))
    assert (seeds_dir() / "division_changes.csv").read_text(encoding="utf-8") == \
        script.render(script.CHANGE_COLUMNS, script.changes(rows))


@pytest.mark.parametrize("name, year, key, vintage", [
    # areacodes: 沙县 (350427) became 沙县区 (350405) in 2021; 长泰县 (350625) 长泰区 (350605) in 2021;
    # 邢台's 桥东区 was renamed 襄都区 in 2020 and kept its code
    ("沙县人民政府", 2020, "350405||", "2020"),
    ("三明市沙县区人民政府", 2022, "350405||", "2024"),
    ("三明市沙县教育局", 2020, "350405||教育局", "2020"),
    ("长泰县人民政府", 2020, "350605||", "2020"),
    ("漳州市长泰区人民政府", 2021, "350605||", "2024"),
    ("邢台市桥东区人民政府", 2019, "130502||", "2019"),
    ("邢台市襄都区人民政府", 2021, "130502||", "2024"),
    # created in 2023 and 2024: in the current list
    ("白杨市人民政府", 2023, "659012||", "2024"),
    ("和田地区和安县人民政府", 2024, "653229||", "2024"),
    ("和康县人民政府", 2024, "653228||", "2024"),
    # a former name is not read for a year after it changed; a county split in two has no one successor
    ("沙县人民政府", 2023, "?|沙县", None),
    ("邢台县人民政府", 2019, "?|邢台县", None),
])
def test_a_renamed_or_recoded_county_keeps_one_key(name, year, key, vintage):
    place = agency.resolve(name, year=year)
    assert (place.agency_key, place.division_vintage) == (key, vintage)


@pytest.mark.parametrize("name, address, code, source, key", [
    # a township in one county of the whole list (东华门街道, 110101), or of the prefecture the
    # address or name says (永宁街道: six counties, one in 泸州市)
    ("东华门街道办事处", None, "110101", "township", "110101|东华门街道|"),
    ("永宁街道办事处", "泸州市江阳大道", "510503", "township", "510503|永宁街道|"),
    ("泸州市永宁街道办事处", None, "510503", "township", "510503|永宁街道|"),
    # 鼓楼区 is four counties; only one holds a 鼓东街道
    ("鼓楼区鼓东街道办事处", None, "350102", "township", "350102|鼓东街道|"),
    # a county said is not second-guessed; several or no namesakes leave the township unplaced
    ("湖山乡人民政府", "龙岩市永定区湖山乡", "350803", "address", "350803|湖山乡|"),
    ("永宁街道办事处", None, None, None, "?|永宁街道办事处"),
    ("城关镇人民政府", None, None, None, "?|城关镇"),
    ("永宁街道办事处", "福州市鼓楼区", "350102", "address", "350102|永宁街道|"),
])
def test_a_township_is_placed_by_the_township_list_only_where_one_county_holds_it(name, address, code, source, key):
    place = agency.resolve(name, address=address)
    assert (place.division_code, place.division_source, place.agency_key) == (code, source, key)
    assert place.division_vintage == ("2023" if source == "township" else "2024" if code else None)


def test_the_townships_seed_is_the_script_output():
    script = _seed_script("townships_seed")
    rows = script.seed_rows(script.read(script.TOWNSHIPS), seeds_dir())
    assert (seeds_dir() / "townships.csv").read_text(encoding="utf-8") == script.render(rows)
