"""The content engine: loading, clashes, selection and search."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlprep.decks import Library, load_files, load_library
from mlprep.errors import UsageError
from tests.conftest import FIXTURES

MINI = FIXTURES / "decks"


def mini_library() -> Library:
    library = Library()
    library.add(load_files([MINI], builtin=True).decks)
    return library


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_select_by_slug_is_case_insensitive_and_deduplicated():
    library = mini_library()
    assert len(library.select(["MINI", "mini"])) == 4


def test_select_by_tag_and_difficulty():
    library = mini_library()
    assert [c.id for c in library.select(tags=["impurity"], difficulty=2)] == ["mini-multi"]
    assert len(library.select(tags=["testing"])) == 4  # deck-level tags count too


def test_unknown_names_suggest_the_closest():
    library = mini_library()
    with pytest.raises(UsageError, match=r"^No deck 'minu'\. Did you mean 'mini'\?$"):
        library.deck("minu")
    with pytest.raises(UsageError, match=r"^No deck 'zzz'\. See `mlprep decks`\.$"):
        library.deck("zzz")
    with pytest.raises(UsageError, match=r"^No card 'mini-singel'\. Did you mean 'mini-single'\?$"):
        library.card("mini-singel")
    # the deck's prefix in common makes no card close: only the rest of the id is compared
    with pytest.raises(UsageError, match=r"^No card 'mini-curve'\.$"):
        library.card("mini-curve")
    with pytest.raises(UsageError, match=r"^No card 'mnii-single'\. Did you mean 'mini-single'\?$"):
        library.card("mnii-single")
    with pytest.raises(UsageError, match=r"^No card 'mini'\.$"):  # (a deck: no card is closer)
        library.card("mini")


def test_search_ranks_question_hits_first():
    library = mini_library()
    # question + tag + answer hits (6) beat question + tag (5); ties go by id
    assert [c.id for c in library.search("impurity")] == [
        "mini-multi",
        "mini-single",
        "mini-number",
    ]
    assert library.search("gini unstable") == []
    assert [c.id for c in library.search("greedily")] == ["mini-open"]
    # accents are ignored either way (it found nothing for "résumé")
    assert [c.id for c in library.search("gréedily")] == ["mini-open"]
    assert [c.id for c in library.search("GREEDILY")] == ["mini-open"]


def test_a_broken_user_deck_is_skipped_and_reported(tmp_path):
    user = tmp_path / "user"
    write(user / "bad.yaml", "id: bad\ntitle: Bad\ncards:\n  - {id: bad-a, q: x}\n")
    library = load_library([MINI], [user])
    assert list(library.decks) == ["mini"]
    assert [str(p) for p in library.warnings] == [
        f"{user / 'bad.yaml'}:4: card 'bad-a': 'a' is missing or empty"
    ]


def test_a_user_deck_clashing_with_a_builtin_is_reported_not_merged(tmp_path):
    user = tmp_path / "user"
    write(user / "mine.yaml", "id: mini\ntitle: Mine\ncards:\n  - {id: my-a, q: x, a: y}\n")
    write(user / "dup.yaml", "id: dup\ntitle: Dup\ncards:\n  - {id: mini-open, q: x, a: y}\n")
    library = load_library([MINI], [user])
    assert list(library.decks) == ["mini"]
    assert len(library.decks["mini"].cards) == 4
    assert sorted(str(p) for p in library.warnings) == sorted(
        [
            f"{user / 'mine.yaml'}: deck id 'mini' clashes with the built-in deck; skipped "
            "(give it another id)",
            f"{user / 'dup.yaml'}:4: card 'mini-open': card id also used in deck 'mini'; "
            "deck skipped",
        ]
    )


def test_a_missing_path_is_named(tmp_path):
    report = load_files([tmp_path / "nowhere"], builtin=False)
    assert [str(p) for p in report.problems] == [
        f"{tmp_path / 'nowhere'}: no such file or directory"
    ]


def test_the_cache_is_used_and_refreshed_when_a_deck_changes(tmp_path):
    user = tmp_path / "user"
    deck = write(user / "c.yaml", "id: c\ntitle: C\ncards:\n  - {id: c-a, q: x, a: y}\n")
    cache = tmp_path / "cache"
    assert load_library([MINI], [user], cache).decks["c"].cards[0].q == "x"
    assert (cache / "decks.pickle").exists()
    assert load_library([MINI], [user], cache).decks["c"].cards[0].q == "x"
    deck.write_text("id: c\ntitle: C\ncards:\n  - {id: c-a, q: changed, a: y}\n")
    assert load_library([MINI], [user], cache).decks["c"].cards[0].q == "changed"
    (cache / "decks.pickle").write_bytes(b"garbage")
    assert load_library([MINI], [user], cache).decks["c"].cards[0].q == "changed"


def cached_paths(cache: Path) -> set[str]:
    from mlprep.decks import DeckCache

    return {key[0] for key in DeckCache(cache).entries}  # keys start with the file's path


def test_the_cache_forgets_decks_that_are_gone(tmp_path):
    once = write(
        tmp_path / "once" / "o.yaml", "id: o\ntitle: O\ncards:\n  - {id: o-a, q: x, a: y}\n"
    )
    cache = tmp_path / "cache"
    load_library([MINI], [once.parent], cache)
    assert str(once) in cached_paths(cache)
    once.unlink()
    load_library([MINI], [], cache)
    assert str(once) not in cached_paths(cache)
    assert cached_paths(cache)  # the built-in deck stays


def test_a_full_disk_leaves_no_cache_temp_file(tmp_path, monkeypatch):
    import errno

    real_fdopen = os.fdopen

    class FullDisk:
        """A file on a disk that fills up after the first 1000 bytes."""

        def __init__(self, handle):
            self.handle = handle

        def write(self, data):
            self.handle.write(data[:1000])
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            self.handle.close()

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
    cache = tmp_path / "cache"
    assert "mini" in load_library([MINI], [], cache).decks
    assert list(cache.iterdir()) == []


def test_temp_files_left_by_a_killed_run_are_removed(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    old, fresh = cache / ".decks-old", cache / ".decks-fresh"
    old.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    os.utime(old, (0, 0))
    load_library([MINI], [], cache)
    assert sorted(p.name for p in cache.iterdir()) == [".decks-fresh", "decks.pickle"]


def test_a_new_app_version_keeps_the_cache_but_a_new_parser_does_not(tmp_path, monkeypatch):
    import mlprep
    from mlprep import decks as decks_module
    from mlprep import schema

    user = tmp_path / "user"
    write(user / "c.yaml", "id: c\ntitle: C\ncards:\n  - {id: c-a, q: x, a: y}\n")
    cache = tmp_path / "cache"
    load_library([MINI], [user], cache)
    monkeypatch.setattr(decks_module, "_SEEN", {})  # forget what this process parsed
    monkeypatch.setattr(mlprep, "__version__", "99.0")
    parsed = []
    real_parse = schema.parse_deck_ids
    monkeypatch.setattr(
        schema, "parse_deck_ids", lambda *a, **k: parsed.append(a) or real_parse(*a, **k)
    )
    assert load_library([MINI], [user], cache).decks["c"].cards[0].q == "x"
    assert parsed == []  # every deck came from the cache
    monkeypatch.setattr(decks_module, "parser_fingerprint", lambda: "another parser")
    monkeypatch.setattr(decks_module, "_SEEN", {})
    assert load_library([MINI], [user], cache).decks["c"].cards[0].q == "x"
    assert len(parsed) == len(list(MINI.glob("*.yaml"))) + 1


def test_the_cache_forgets_files_no_longer_loaded(tmp_path):
    from mlprep.decks import DeckCache

    user = tmp_path / "user"
    gone = write(user / "gone.yaml", "id: g\ntitle: G\ncards:\n  - {id: g-a, q: x, a: y}\n")
    cache = tmp_path / "cache"
    load_library([MINI], [user], cache)
    gone.unlink()
    load_library([MINI], [user], cache)
    entries = DeckCache(cache).entries
    assert entries and not [key for key in entries if "gone.yaml" in str(key)]
    assert [p.name for p in cache.iterdir()] == ["decks.pickle"]  # no temp files left


def test_parsing_keeps_no_yaml_nodes_alive():
    import gc

    import yaml

    from mlprep.schema import parse_deck

    path = MINI / "mini.yaml"
    deck, problems = parse_deck(path.read_text(), str(path))
    assert deck is not None and problems == []
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, yaml.Node)]


def test_a_warm_start_reads_no_card_until_one_is_used(tmp_path, monkeypatch):
    from mlprep import decks as decks_module
    from mlprep.schema import parse_deck

    cache = tmp_path / "cache"
    load_library([MINI], [], cache)
    monkeypatch.setattr(decks_module, "_SEEN", {})  # as a new process would start
    reads = []
    real_card = decks_module._CachedCards.card
    monkeypatch.setattr(
        decks_module._CachedCards, "card", lambda self, i: reads.append(i) or real_card(self, i)
    )
    library = load_library([MINI], [], cache)
    cards = library.select(["mini"], kinds=["single", "multi", "open", "number"])
    assert library.tag_counts() and library.decks["mini"].all_tags()
    every = list(library.decks["mini"].cards)
    assert len(every) == 4 and [c.id for c in every] == [c.id for c in cards]
    assert all(card.deck == "mini" and card.kind for card in every)
    assert reads == []  # listing, selecting, iterating and counting tags read only the index
    path = MINI / "mini.yaml"
    parsed, _ = parse_deck(path.read_text(), str(path), builtin=True)
    assert parsed is not None
    first = cards[0]
    assert first.q == parsed.cards[0].q
    assert reads == [0]  # only the card asked for, once
    assert first.choices == parsed.cards[0].choices and reads == [0]
    assert list(library.decks["mini"].cards) == list(parsed.cards)


def test_a_cached_card_behaves_as_the_parsed_card(tmp_path):
    import dataclasses
    import pickle

    from mlprep.model import Card
    from mlprep.schema import parse_deck

    cache = tmp_path / "cache"
    load_library([MINI], [], cache)
    from mlprep import decks as decks_module

    decks_module._SEEN.clear()
    cached = load_library([MINI], [], cache).decks["mini"].cards
    path = MINI / "mini.yaml"
    parsed, _ = parse_deck(path.read_text(), str(path), builtin=True)
    assert parsed is not None
    for lazy, card in zip(cached, parsed.cards, strict=True):
        assert lazy == card and hash(lazy) == hash(card)
        assert (lazy.id, lazy.kind, lazy.type, lazy.tags, lazy.line) == (
            card.id,
            card.kind,
            card.type,
            card.tags,
            card.line,
        )
        assert type(pickle.loads(pickle.dumps(lazy))) is Card
        assert type(dataclasses.replace(lazy, line=0)) is Card
        assert dataclasses.replace(lazy, line=0) == dataclasses.replace(card, line=0)


def test_the_index_is_rebuilt_when_a_deck_file_changes(tmp_path):
    from mlprep import decks as decks_module

    user = tmp_path / "user"
    deck = write(user / "c.yaml", "id: c\ntitle: C\ncards:\n  - {id: c-a, q: x, a: y}\n")
    cache = tmp_path / "cache"
    assert load_library([MINI], [user], cache).decks["c"].index.ids == ("c-a",)
    deck.write_text(
        "id: c\ntitle: C\ncards:\n  - {id: c-a, q: x, a: y}\n"
        "  - {id: c-b, q: two, a: y, tags: [fresh], difficulty: 3}\n"
    )
    decks_module._SEEN.clear()  # a new process: only the cache file carries anything over
    library = load_library([MINI], [user], cache)
    assert library.decks["c"].index.ids == ("c-a", "c-b")
    assert [c.id for c in library.select(tags=["fresh"], difficulty=3)] == ["c-b"]
    decks_module._SEEN.clear()
    again = load_library([MINI], [user], cache).decks["c"]
    assert isinstance(again.cards, decks_module.CardList)  # this time from the cache
    assert again.index.ids == ("c-a", "c-b") and again.cards[1].q == "two"


def test_cards_stay_readable_when_another_run_replaces_the_cache(tmp_path):
    from mlprep import decks as decks_module

    user = tmp_path / "user"
    deck = write(user / "c.yaml", "id: c\ntitle: C\ncards:\n  - {id: c-a, q: old, a: y}\n")
    cache = tmp_path / "cache"
    load_library([MINI], [user], cache)
    decks_module._SEEN.clear()
    running = load_library([MINI], [user], cache).decks["c"]
    deck.write_text("id: c\ntitle: C\ncards:\n  - {id: c-a, q: new, a: y}\n")
    decks_module._SEEN.clear()
    assert load_library([MINI], [user], cache).decks["c"].cards[0].q == "new"  # rewrote it
    assert running.cards[0].q == "old"  # the file this run opened, not the new one


def test_a_first_run_keeps_the_saved_copies_not_the_parsed_cards(tmp_path, monkeypatch):
    import gc
    import weakref

    from mlprep import decks as decks_module
    from mlprep.model import Card

    decks_module._SEEN.clear()
    parsed: list[weakref.ref] = []
    real_parse = decks_module._with_path

    def keep_watch(deck, path):
        parsed.extend(weakref.ref(card) for card in deck.cards)
        return real_parse(deck, path)

    monkeypatch.setattr(decks_module, "_with_path", keep_watch)
    library = load_library([MINI], [], tmp_path / "cache")
    deck = library.decks["mini"]
    assert isinstance(deck.cards, decks_module.CardList)  # read from the file just written
    gc.collect()
    assert parsed and all(ref() is None for ref in parsed)  # the parsed cards are freed
    assert isinstance(deck.cards[0], Card) and deck.cards[0].q
    decks_module._SEEN.clear()
    # without a cache dir the parsed decks are the ones used
    assert isinstance(load_library([MINI], [], None).decks["mini"].cards, tuple)


def test_every_card_of_a_long_deck_reads_back_from_the_cache(tmp_path):
    from mlprep import decks as decks_module

    cards = "".join(f"  - {{id: long-{n}, q: question {n}, a: answer {n}}}\n" for n in range(70))
    write(tmp_path / "user" / "long.yaml", f"id: long\ntitle: Long\ncards:\n{cards}")
    cache = tmp_path / "cache"
    load_library([MINI], [tmp_path / "user"], cache)
    decks_module._SEEN.clear()
    deck = load_library([MINI], [tmp_path / "user"], cache).decks["long"]
    assert isinstance(deck.cards, decks_module.CardList)
    for n in (69, 33, 0, 64, 31, 32):  # several runs of cards, out of order
        assert (deck.cards[n].id, deck.cards[n].q, deck.cards[n].a) == (
            f"long-{n}",
            f"question {n}",
            f"answer {n}",
        )
    assert [card.a for card in deck.cards] == [f"answer {n}" for n in range(70)]


def test_a_cache_cut_short_under_a_running_command_is_one_clear_error(tmp_path):
    from mlprep import decks as decks_module
    from mlprep.errors import MlprepError

    cache = tmp_path / "cache"
    load_library([MINI], [], cache)
    decks_module._SEEN.clear()
    library = load_library([MINI], [], cache)  # the index is read; no card yet
    os.truncate(cache / "decks.pickle", 20)  # what no writer of ours does: it renames
    with pytest.raises(MlprepError, match="deck cache .* run the command again"):
        _ = library.select(["mini"])[0].q
    decks_module._SEEN.clear()
    assert load_library([MINI], [], cache).decks["mini"].cards[0].q  # the next run rebuilds


def deck_text(slug: str, *card_ids: str) -> str:
    cards = "".join(f"  - {{id: {card_id}, q: q {card_id}, a: a}}\n" for card_id in card_ids)
    return f"id: {slug}\ntitle: {slug.upper()}\ncards:\n{cards}"


def index_reads(monkeypatch) -> list[str]:
    """The decks whose index (its ids first) is read from the cache file from now on."""
    from mlprep import decks as decks_module

    reads: list[str] = []
    real_ids = decks_module._CachedCards.ids

    def ids(self):
        first = self._ids is None
        card_ids = real_ids(self)
        if first:
            reads.append(card_ids[0].split("-")[0])
        return card_ids

    monkeypatch.setattr(decks_module._CachedCards, "ids", ids)
    return reads


def test_listing_decks_from_the_cache_reads_no_card_index(tmp_path, monkeypatch):
    from mlprep import decks as decks_module

    user = tmp_path / "user"
    write(user / "a.yaml", deck_text("a", "a-1", "a-2", "a-3"))
    write(user / "b.yaml", deck_text("b", "b-1"))
    cache = tmp_path / "cache"
    load_library([MINI], [user], cache)
    decks_module._SEEN.clear()  # as a new process would start
    reads = index_reads(monkeypatch)
    library = load_library([MINI], [user], cache)
    assert {slug: len(deck.cards) for slug, deck in library.decks.items()} == {
        "mini": 4,
        "a": 3,
        "b": 1,
    }
    assert reads == []  # slugs, titles and counts come from the cache's summary
    assert [card.id for card in library.decks["b"].cards] == ["b-1"] and reads == ["b"]


def test_a_card_id_clash_is_found_whichever_run_wrote_the_cache(tmp_path, monkeypatch):
    from mlprep import decks as decks_module

    user = tmp_path / "user"
    write(user / "a.yaml", deck_text("a", "a-1", "a-2"))
    later = write(user / "b.yaml", deck_text("b", "b-1"))
    cache = tmp_path / "cache"
    assert not load_library([MINI], [user], cache).warnings
    clash = "card id also used in deck 'a'; deck skipped"
    later.write_text(deck_text("b", "b-1", "a-2"))  # now reuses a card id of deck a
    for _ in range(2):  # parsed, then from the cache the first run wrote
        decks_module._SEEN.clear()
        library = load_library([MINI], [user], cache)
        assert [p.message for p in library.warnings] == [clash]
        assert sorted(library.decks) == ["a", "mini"]
    later.write_text(deck_text("b", "b-1", "b-2"))  # the clash mended
    for _ in range(2):
        decks_module._SEEN.clear()
        library = load_library([MINI], [user], cache)
        assert not library.warnings and sorted(library.decks) == ["a", "b", "mini"]
    decks_module._SEEN.clear()
    reads = index_reads(monkeypatch)
    load_library([MINI], [user], cache)
    assert reads == []  # the cache knows its decks' ids are distinct: none was read


def test_a_damaged_deck_record_is_one_clear_error_and_the_next_run_rebuilds(tmp_path):
    from mlprep import decks as decks_module
    from mlprep.errors import MlprepError

    cache = tmp_path / "cache"
    load_library([MINI], [], cache)
    decks_module._SEEN.clear()
    library = load_library([MINI], [], cache)
    cards = library.decks["mini"].cards
    assert isinstance(cards, decks_module.CardList)
    source = cards.source
    assert isinstance(source, decks_module._CachedCards)
    with open(cache / "decks.pickle", "r+b") as handle:  # what no writer of ours leaves
        handle.seek(source.index_at)
        handle.write(b"\xff" * (source.start - source.index_at))
    with pytest.raises(MlprepError, match="deck cache is damaged; run the command again"):
        library.select(["mini"])
    assert not (cache / "decks.pickle").exists()
    decks_module._SEEN.clear()
    assert load_library([MINI], [], cache).decks["mini"].cards[0].q  # parsed again
    assert (cache / "decks.pickle").exists()


def test_a_cache_in_an_older_layout_is_replaced(tmp_path, monkeypatch):
    import pickle
    import struct

    from mlprep import decks as decks_module
    from mlprep import schema

    cache = tmp_path / "cache"
    cache.mkdir()
    # format 4: the magic, where the trailer lies, and a pickled (fingerprint, entries)
    trailer = pickle.dumps(("4/32/2/model.py:1:0/schema.py:1:0", {}))
    header = decks_module.CACHE_MAGIC + struct.pack("<Q", len(decks_module.CACHE_MAGIC) + 8)
    (cache / "decks.pickle").write_bytes(header + trailer)
    decks_module._SEEN.clear()
    parsed = []
    real_parse = schema.parse_deck_ids
    monkeypatch.setattr(
        schema, "parse_deck_ids", lambda *a, **k: parsed.append(a) or real_parse(*a, **k)
    )
    assert load_library([MINI], [], cache).decks["mini"].cards[0].q
    assert len(parsed) == len(list(MINI.glob("*.yaml")))  # parsed: the old file was no use
    decks_module._SEEN.clear()
    assert decks_module.DeckCache(cache).entries  # rewritten in the current layout
    assert load_library([MINI], [], cache).decks["mini"].cards[0].q
    assert len(parsed) == len(list(MINI.glob("*.yaml")))  # and read from there


def test_building_every_card_reads_the_ids_but_not_the_rest_of_the_index(tmp_path, monkeypatch):
    """A review's queue needs every card's id and deck: the kinds, tags, difficulties and lines
    are read when a card's own are asked for (then for its deck alone)."""
    from mlprep import decks as decks_module

    user = tmp_path / "user"
    write(user / "a.yaml", deck_text("a", "a-1", "a-2"))
    write(user / "b.yaml", deck_text("b", "b-1"))
    cache = tmp_path / "cache"
    load_library([MINI], [user], cache)
    decks_module._SEEN.clear()
    rest: list[str] = []
    real_index = decks_module._CachedCards.index
    monkeypatch.setattr(
        decks_module._CachedCards,
        "index",
        lambda self: rest.append(self.ids()[0].split("-")[0]) or real_index(self),
    )
    library = load_library([MINI], [user], cache)
    cards = library.select()
    assert [(card.id, card.deck) for card in cards][-3:] == [
        ("a-1", "a"),
        ("a-2", "a"),
        ("b-1", "b"),
    ]
    assert rest == []
    assert cards[-1].kind == "open" and cards[-1].line == 4 and rest == ["b"]
    assert library.decks["a"].index.lines == (4, 5) and rest == ["b", "a"]


def test_a_cached_card_row_of_the_wrong_shape_is_one_clear_error(tmp_path):
    """The cache stores cards as marshalled rows of plain values (mlprep.cardrows); a row
    that is not a card's is reported as a damaged cache, not a crash, and the next run
    parses the decks again."""
    import marshal
    import struct

    from mlprep import decks as decks_module
    from mlprep.errors import MlprepError

    cache = tmp_path / "cache"
    load_library([MINI], [], cache)
    decks_module._SEEN.clear()
    cards = load_library([MINI], [], cache).decks["mini"].cards
    assert isinstance(cards, decks_module.CardList)
    source = cards.source
    assert isinstance(source, decks_module._CachedCards)
    source.ids()
    begin, end = struct.unpack_from("<QQ", source.bounds, 0)
    wrong = marshal.dumps((("mini-single", "a question without the rest"),) * len(cards))
    assert len(wrong) <= end - begin  # (marshal reads one value and ignores what follows)
    with open(cache / "decks.pickle", "r+b") as handle:
        handle.seek(source.start + begin)
        handle.write(wrong)
    with pytest.raises(MlprepError, match="deck cache is damaged; run the command again"):
        _ = cards[0].q
    assert not (cache / "decks.pickle").exists()
    decks_module._SEEN.clear()
    assert load_library([MINI], [], cache).decks["mini"].cards[0].q  # parsed again


def test_a_cached_card_read_twice_is_one_object(tmp_path):
    from mlprep import decks as decks_module

    cache = tmp_path / "cache"
    load_library([MINI], [], cache)
    decks_module._SEEN.clear()
    cards = load_library([MINI], [], cache).decks["mini"].cards
    assert isinstance(cards, decks_module.CardList)
    assert cards.source.card(1) is cards.source.card(1)


def test_a_relative_data_dir_is_made_absolute(tmp_path, monkeypatch):
    """MLPREP_HOME=data made the progress depend on the directory mlprep was started in."""
    from mlprep.paths import resolve_paths

    monkeypatch.chdir(tmp_path)
    paths = resolve_paths(env={"MLPREP_HOME": "data"})
    assert paths.data_dir == tmp_path / "data"
    assert paths.progress_dir.is_absolute() and paths.cache_dir == tmp_path / "data" / "cache"


def test_a_data_dir_under_an_unknown_users_home_is_a_usage_error():
    """MLPREP_HOME=~nouser/x was "unexpected RuntimeError: Could not determine home"."""
    from mlprep.errors import UsageError
    from mlprep.paths import resolve_paths

    with pytest.raises(UsageError, match=r"^~no-such-user-here/x: no home directory"):
        resolve_paths(env={"MLPREP_HOME": "~no-such-user-here/x"})
