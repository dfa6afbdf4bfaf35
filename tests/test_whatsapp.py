"""The WhatsApp reader: every export variant, peers' samples, bad input, the round trip."""

from __future__ import annotations

import importlib.util
import io
import json
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cyclemap.errors import InputError, UsageError
from cyclemap.ingest import ReadOptions, read_turns
from cyclemap.ingest.formats import whatsapp
from cyclemap.ingest.registry import detect, get_reader, sample
from cyclemap.model import Turn

HERE = Path(__file__).resolve().parent / "fixtures" / "whatsapp"


def _load_maker():
    spec = importlib.util.spec_from_file_location("whatsapp_fixture_maker", HERE / "_make.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(cli, path: Path, *args: str) -> list[tuple]:
    """(time, speaker, kind, text) of every turn `cyclemap parse` writes."""
    return [(t["time"], t["speaker"], t["kind"], t["text"]) for t in cli.parse(str(path), *args)]


def test_fixture_files_are_what_the_maker_writes():
    for name, data in _load_maker().contents().items():
        assert (HERE / name).read_bytes() == data, (
            f"{name} is stale: run python tests/fixtures/whatsapp/_make.py"
        )


# --- Every variant, exactly ------------------------------------------------------------

ENCRYPTED_EN = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp,"
    " can read or listen to them."
)

EXPECTED = {
    "android_en.txt": [
        ("2023-03-12T09:00:00", None, "system", ENCRYPTED_EN + " Tap to learn more."),
        ("2023-03-12T09:00:00", None, "system", 'Sam created group "Us & Co"'),
        ("2023-03-12T09:01:00", None, "system", "Sam added Alex"),
        ("2023-03-12T09:01:00", None, "system", "Sam added +44 7700 900123"),
        ("2023-03-12T21:04:00", "Sam", "message", "you said you would call"),
        ("2023-03-12T21:09:00", "Alex", "message", "I was driving\nI'll call now\n\npromise"),
        ("2023-03-12T21:10:00", "+44 7700 900123", "message", "hi both \U0001f44b"),
        ("2023-03-13T08:15:00", "Sam", "media", "<Media omitted>"),
        ("2023-03-13T08:16:00", "Alex", "message", "look at this"),  # a caption: words to read
        ("2023-03-13T08:17:00", "Alex", "system", "This message was deleted"),
        ("2023-03-13T08:18:00", "Sam", "system", "You deleted this message"),
        ("2023-03-13T08:20:00", None, "system", 'Sam changed the subject from "Us & Co" to "Re: us"'),
        ("2023-03-13T08:21:00", None, "system", "Sam changed this group's icon"),
        ("2023-03-13T08:22:00", None, "system", "Your security code with Alex changed. Tap to learn more."),
        (
            "2023-03-13T08:23:00",
            None,
            "system",
            (
                "Sam turned on disappearing messages. New messages will disappear"
                " from this chat 7 days after they're sent, except when kept."
            ),
        ),
        ("2023-03-13T08:24:00", None, "system", "Sam removed +44 7700 900123"),
        ("2023-03-13T08:25:00", None, "system", "Alex left"),
        ("2023-03-13T22:30:00", "You", "message", "note: the train is at 10:30"),
        ("2023-03-13T22:31:00", "Alex", "message", "ok see you  "),
        ("2023-03-13T22:32:00", "Sam", "message", "\ttabs\u00a0and\u202fodd spaces stay"),
    ],
    "android_us_12h.txt": [
        ("2023-03-12T21:04:00", "Sam", "message", "you said you would call"),
        ("2023-03-12T21:09:00", "Alex", "message", "I was driving"),
        ("2023-03-13T00:05:00", "Sam", "message", "still up?"),
        ("2023-03-13T12:30:00", "Alex", "message", "lunch?"),
        ("2023-03-13T13:00:00", "Sam", "media", "<Media omitted>"),
        ("2023-03-14T23:59:00", "Alex", "message", "nbsp and lower case"),
    ],
    "ios_en.txt": [
        ("2023-03-12T09:00:00", None, "system", ENCRYPTED_EN),
        ("2023-03-12T09:00:00", None, "system", "Sam created group \u201cUs & Co\u201d"),
        ("2023-03-12T09:00:01", None, "system", "Sam added ~\u202fJo"),
        ("2023-03-12T21:04:11", "Sam", "message", "you said you would call"),
        ("2023-03-12T21:05:00", "Alex", "media", "image omitted"),
        ("2023-03-12T21:05:30", "Alex", "media", "<attached: 00000012-PHOTO-2023-03-12-21-05-30.jpg>"),
        ("2023-03-12T21:06:00", "Jo", "message", "hi, I'm new here"),
        ("2023-03-12T21:06:30", "Jo", "message", "and my name has a no-break space"),
        ("2023-03-12T21:07:00", "Sam", "system", "Missed voice call"),
        ("2023-03-12T21:08:00", "Alex", "system", "This message was deleted."),
        ("2023-03-12T21:09:00", "Sam", "message", "first line\nsecond line with a mark here"),
        ("2023-03-13T07:00:00", "Alex", "media", "video omitted"),
        ("2023-03-13T07:01:00", "Alex", "media", "Lease.pdf \u2022 3 pages document omitted"),
        ("2023-03-13T07:02:00", "+44 7700 900123", "media", "sticker omitted"),
        ("2023-03-13T07:03:00", None, "system", "Alex changed the group description"),
        ("2023-03-13T07:04:00", "Sam", "media", "GIF omitted"),
        ("2023-03-13T07:05:00", "Sam", "media", "audio omitted"),
        ("2023-03-13T07:06:00", "Sam", "system", "You deleted this message."),
    ],
    "ios_us_12h.txt": [
        ("2023-03-12T21:04:11", "Sam", "message", "you said you would call"),
        ("2023-03-13T00:05:00", "Alex", "message", "sorry, fell asleep"),
        ("2023-03-13T12:45:09", "Sam", "media", "image omitted"),
    ],
    "android_de.txt": [
        (
            "2023-03-12T09:00:00",
            None,
            "system",
            (
                "Nachrichten und Anrufe sind Ende-zu-Ende-verschl\u00fcsselt."
                " Niemand au\u00dferhalb dieses Chats kann sie lesen oder anh\u00f6ren, nicht einmal WhatsApp."
                " Tippe, um mehr zu erfahren."
            ),
        ),
        ("2023-03-12T09:01:00", None, "system", "Sam hat die Gruppe \u201eWir: zwei\u201c erstellt"),
        ("2023-03-12T09:02:00", None, "system", "Sam hat Alex hinzugef\u00fcgt"),
        ("2023-03-12T21:04:00", "Sam", "message", "du wolltest anrufen"),
        ("2023-03-12T21:05:00", "Alex", "media", "<Medien ausgeschlossen>"),
        ("2023-03-12T21:06:00", "Alex", "media", "IMG-20230312-WA0003.jpg (Datei angeh\u00e4ngt)"),
        ("2023-03-12T21:07:00", "Sam", "system", "Diese Nachricht wurde gel\u00f6scht"),
        ("2023-03-12T21:08:00", "Alex", "system", "Du hast diese Nachricht gel\u00f6scht"),
        (
            "2023-03-13T07:00:00",
            None,
            "system",
            "Dein Sicherheitscode f\u00fcr Alex hat sich ge\u00e4ndert. Tippe, um mehr zu erfahren.",
        ),
        ("2023-03-13T07:01:00", None, "system", "Alex hat die Gruppe verlassen"),
    ],
    "ios_de.txt": [
        (
            "2023-03-12T09:00:00",
            None,
            "system",
            (
                "Nachrichten und Anrufe sind Ende-zu-Ende-verschl\u00fcsselt."
                " Niemand au\u00dferhalb dieses Chats kann sie lesen oder anh\u00f6ren, nicht einmal WhatsApp."
            ),
        ),
        ("2023-03-12T21:04:11", "Sam", "message", "du wolltest anrufen"),
        ("2023-03-12T21:05:00", "Alex", "media", "Bild weggelassen"),
        ("2023-03-12T21:05:10", "Alex", "media", "Video weggelassen"),
        ("2023-03-12T21:05:20", "Alex", "media", "Sticker weggelassen"),
        ("2023-03-12T21:06:00", "Sam", "system", "Verpasster Sprachanruf"),
        ("2023-03-13T07:00:00", "Sam", "media", "<Anhang: 00000015-AUDIO-2023-03-13-07-00-00.opus>"),
    ],
    "android_es_12h.txt": [
        (
            "2023-03-12T09:00:00",
            None,
            "system",
            (
                "Los mensajes y las llamadas est\u00e1n cifrados de extremo a"
                " extremo. Nadie fuera de este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos."
            ),
        ),
        ("2023-03-12T09:01:00", None, "system", 'Sam cre\u00f3 el grupo "Nosotros"'),
        ("2023-03-12T21:04:00", "Sam", "message", "dijiste que llamar\u00edas"),
        ("2023-03-12T21:05:00", "Alex", "media", "<Multimedia omitido>"),
        ("2023-03-12T21:06:00", "Alex", "media", "IMG-20230312-WA0004.jpg (archivo adjunto)"),
        ("2023-03-13T00:15:00", "Sam", "system", "Se elimin\u00f3 este mensaje."),
        ("2023-03-13T12:20:00", "Alex", "system", "Eliminaste este mensaje."),
        ("2023-03-13T12:21:00", None, "system", "Alex sali\u00f3 del grupo"),
    ],
    "ios_es.txt": [
        ("2023-03-12T21:04:11", "Sam", "message", "dijiste que llamar\u00edas"),
        ("2023-03-12T21:05:00", "Alex", "media", "imagen omitida"),
        ("2023-03-12T21:05:30", "Alex", "media", "audio omitido"),
        ("2023-03-13T07:00:00", "Sam", "system", "Llamada de voz perdida"),
    ],
    "android_fr.txt": [
        (
            "2023-03-12T09:00:00",
            None,
            "system",
            (
                "Les messages et les appels sont chiffr\u00e9s de bout en bout."
                " Aucune personne en dehors de ce chat, pas m\u00eame WhatsApp, ne peut les lire ou les \u00e9couter."
            ),
        ),
        ("2023-03-12T21:04:00", "Sam", "message", "tu avais dit que tu appellerais"),
        ("2023-03-12T21:05:00", "Alex", "media", "<M\u00e9dias omis>"),
        ("2023-03-12T21:06:00", "Alex", "media", "IMG-20230312-WA0005.jpg (fichier joint)"),
        ("2023-03-13T07:00:00", "Sam", "system", "Ce message a \u00e9t\u00e9 supprim\u00e9"),
    ],
    "ios_fr.txt": [
        ("2023-03-12T21:04:11", "Sam", "message", "tu avais dit que tu appellerais"),
        ("2023-03-12T21:05:00", "Alex", "media", "image absente"),
        ("2023-03-13T07:00:00", "Alex", "media", "vid\u00e9o absente"),
    ],
    "android_pt.txt": [
        (
            "2023-03-12T09:00:00",
            None,
            "system",
            (
                "As mensagens e as chamadas s\u00e3o protegidas com a"
                " criptografia de ponta a ponta. Ningu\u00e9m fora desta conversa, nem mesmo o WhatsApp, pode ler"
                " ou ouvi-las."
            ),
        ),
        ("2023-03-12T21:04:00", "Sam", "message", "voc\u00ea disse que ia ligar"),
        ("2023-03-12T21:05:00", "Alex", "media", "<M\u00eddia oculta>"),
        ("2023-03-12T21:06:00", "Alex", "media", "PTT-20230312-WA0006.opus (arquivo anexado)"),
        ("2023-03-13T07:00:00", "Sam", "system", "Esta mensagem foi apagada"),
    ],
    "ios_pt.txt": [
        ("2023-03-12T21:04:11", "Sam", "message", "voc\u00ea disse que ia ligar"),
        ("2023-03-12T21:05:00", "Alex", "media", "imagem ocultada"),
        ("2023-03-13T07:00:00", "Alex", "media", "<anexado: 00000020-PHOTO-2023-03-13-07-00-00.jpg>"),
    ],
    "android_it.txt": [
        (
            "2023-03-12T09:00:00",
            None,
            "system",
            (
                "I messaggi e le chiamate sono crittografati end-to-end."
                " Nessuno al di fuori di questa chat, nemmeno WhatsApp, pu\u00f2 leggerli o ascoltarli."
            ),
        ),
        ("2023-03-12T21:04:00", "Sam", "message", "avevi detto che avresti chiamato"),
        ("2023-03-12T21:05:00", "Alex", "media", "<Media omessi>"),
        ("2023-03-12T21:06:00", "Alex", "media", "VID-20230312-WA0007.mp4 (file allegato)"),
        ("2023-03-13T07:00:00", "Sam", "system", "Questo messaggio \u00e8 stato eliminato"),
    ],
    "ios_it.txt": [
        ("2023-03-12T21:04:11", "Sam", "message", "avevi detto che avresti chiamato"),
        ("2023-03-12T21:05:00", "Alex", "media", "immagine omessa"),
        ("2023-03-13T07:00:00", "Sam", "system", "Chiamata vocale persa"),
    ],
    "android_nl.txt": [
        (
            "2023-03-12T09:00:00",
            None,
            "system",
            (
                "Berichten en oproepen worden end-to-end versleuteld. Niemand"
                " buiten deze chat, zelfs WhatsApp niet, kan ze lezen of beluisteren."
            ),
        ),
        ("2023-03-12T21:04:00", "Sam", "message", "je zou bellen"),
        ("2023-03-12T21:05:00", "Alex", "media", "<Media weggelaten>"),
        ("2023-03-12T21:06:00", "Alex", "media", "IMG-20230312-WA0008.jpg (bestand bijgevoegd)"),
        ("2023-03-13T07:00:00", "Sam", "system", "Dit bericht is verwijderd"),
    ],
    "ios_nl.txt": [
        ("2023-03-12T21:04:11", "Sam", "message", "je zou bellen"),
        ("2023-03-12T21:05:00", "Alex", "media", "afbeelding weggelaten"),
        ("2023-03-13T07:00:00", "Sam", "system", "Gemiste spraakoproep"),
    ],
    "android_ymd.txt": [
        ("2023-03-12T21:04:00", "Sam", "message", "du sa att du skulle ringa"),
        ("2023-03-12T21:05:00", "Alex", "media", "<Media omitted>"),
    ],
    "android_zh.txt": [
        ("2023-03-12T21:04:00", "Sam", "message", "\u4f60\u8bf4\u4f60\u4f1a\u6253\u7535\u8bdd"),
        ("2023-03-13T00:05:00", "Alex", "message", "\u5bf9\u4e0d\u8d77"),
    ],
    "sequence.txt": [
        ("2023-03-04T21:04:00", "Sam", "message", "4 March"),
        ("2023-04-03T21:09:00", "Alex", "message", "3 April"),
        ("2023-04-05T21:10:00", "Sam", "message", "5 April"),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variant_gives_exact_turns(cli, name):
    result = cli("parse", str(HERE / name))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # these files decide their date order themselves
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(t["time"], t["speaker"], t["kind"], t["text"]) for t in turns] == EXPECTED[name]
    assert [t["id"] for t in turns] == [str(n) for n in range(1, len(turns) + 1)]
    assert all(t["reply_to"] is None for t in turns)


@pytest.mark.parametrize(
    ("archive", "chat"),
    [
        ("android_en.zip", "android_en.txt"),
        ("ios_en.zip", "ios_en.txt"),
        ("android_de.zip", "android_de.txt"),
        ("other_name.zip", "android_nl.txt"),
    ],
)
def test_zip_gives_the_turns_of_its_chat_member(cli, archive, chat):
    assert detect(HERE / archive).name == "whatsapp"
    assert rows(cli, HERE / archive) == EXPECTED[chat]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_detected_from_content(name, tmp_path):
    renamed = tmp_path / "chat.log"  # the extension says nothing
    renamed.write_bytes((HERE / name).read_bytes())
    assert detect(renamed).name == "whatsapp"


def test_detection_leaves_other_formats_alone(tmp_path):
    jsonl = tmp_path / "turns.txt"
    jsonl.write_text('{"speaker": "Sam", "text": "12/03/2023, 21:04 - Sam: hi"}\n', encoding="utf-8")
    assert get_reader("whatsapp").sniff(sample(jsonl)) == 0.0
    signal = tmp_path / "signal.txt"
    signal.write_text("[2019-12-24, 12:23] Jane Doe: Hello John!\n", encoding="utf-8")
    assert get_reader("whatsapp").sniff(sample(signal)) < 0.5  # Signal's export looks like this


def test_reader_is_listed_as_readable_and_writable(cli):
    listed = {row["name"]: row for row in json.loads(cli("formats", "--json").stdout)}
    assert listed["whatsapp"]["writable"] is True
    assert "12/03/2023, 21:04 - Sam:" in listed["whatsapp"]["example"]


# --- Another project's samples -------------------------------------------------------------

CHAT_MINER = [
    "test_ddmmyy_24hrs.txt",
    "test_mmddyy_24hrs.txt",
    "test_[mmddyy]_24hrs.txt",
    "test_mmddyyyy_12hrs.txt",
    "test_yyyymmdd_24hrs.txt",
]


@pytest.mark.parametrize("name", CHAT_MINER)
def test_chat_miner_samples_give_their_target(cli, peers, name):
    folder = peers / "chat-miner" / "whatsapp"
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    turns = cli.parse(str(folder / name))
    # chat-miner drops "John Doe:." (a message whose text is "."); cyclemap keeps it.
    messages = [t for t in turns if t["kind"] == "message" and t["text"] != "."]
    got = [(t["time"], t["speaker"], " ".join(t["text"].split())) for t in reversed(messages)]
    want = [(m["timestamp"], m["author"], " ".join(m["message"].split())) for m in target]
    assert got == want


def test_chat_miner_dot_message_is_kept_and_system_lines_are_system(cli, peers):
    turns = cli.parse(str(peers / "chat-miner" / "whatsapp" / "test_ddmmyy_24hrs.txt"))
    assert turns[1]["speaker"] == "John Doe" and turns[1]["text"] == "." and turns[1]["kind"] == "message"
    system = [(t["speaker"], t["text"]) for t in turns if t["kind"] == "system"]
    assert system == [(None, '+12 345 578 created group "Groupname"'), (None, "You were added")]


# --- Date order ---------------------------------------------------------------------------------


def test_ambiguous_dates_warn_and_guess_day_first(cli):
    result = cli("parse", str(HERE / "ambiguous.txt"))
    assert result.exit_code == 0
    assert "guessed day-first" in result.stderr and "--monthfirst" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(result.stdout.splitlines()[0])["time"] == "2023-02-01T21:04:00"


@pytest.mark.parametrize(
    ("flag", "time"), [("--dayfirst", "2023-02-01T21:04:00"), ("--monthfirst", "2023-01-02T21:04:00")]
)
def test_ambiguous_dates_follow_the_flag_without_warning(cli, flag, time):
    result = cli("parse", flag, str(HERE / "ambiguous.txt"))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout.splitlines()[0])["time"] == time


def test_library_warning_goes_through_options():
    said: list[str] = []
    turns = list(read_turns(HERE / "ambiguous.txt", options=ReadOptions(warn=said.append)))
    assert len(turns) == 2 and len(said) == 1 and "guessed day-first" in said[0]


def test_a_decisive_date_late_in_the_file_decides(tmp_path, cli):
    lines = [f"0{d}/01/2023, 10:0{d} - Sam: day {d}" for d in range(1, 10)] + [
        "25/01/2023, 11:00 - Alex: late"
    ]
    path = tmp_path / "late.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("parse", str(path))
    assert result.stderr == ""
    assert [json.loads(x)["time"][:10] for x in result.stdout.splitlines()][:2] == [
        "2023-01-01",
        "2023-01-02",
    ]


def test_year_first_ignores_the_day_month_flags(cli):
    assert rows(cli, HERE / "android_ymd.txt", "--monthfirst") == EXPECTED["android_ymd.txt"]


# --- Bad input through the command line ------------------------------------------------------


def assert_one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_truncated_zip(cli, tmp_path):
    path = tmp_path / "WhatsApp Chat with Sam.zip"
    data = (HERE / "android_en.zip").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert_one_line_error(cli("parse", str(path)), str(path), "truncated")


def test_zip_with_a_member_outside_the_archive(cli, tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../evil.txt", "12/03/2023, 21:04 - Sam: hi\n")
    assert_one_line_error(cli("parse", str(path)), str(path), "outside the archive")


def test_zip_with_two_chats_asks_which(cli, tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("WhatsApp Chat with Sam.txt", "12/03/2023, 21:04 - Sam: hi\n")
        archive.writestr("WhatsApp Chat with Jo.txt", "12/03/2023, 21:05 - Jo: hey\n")
    assert_one_line_error(cli("parse", str(path)), str(path), "2 WhatsApp chats", "--chat")
    assert [t["speaker"] for t in cli.parse(str(path), "--chat", "Jo")] == ["Jo"]


def test_zip_without_a_chat(cli, tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("IMG-20230313-WA0001.jpg", b"\xff\xd8")
    result = cli("parse", "--format", "whatsapp", str(path))
    assert_one_line_error(result, str(path), "no WhatsApp chat")


def test_non_utf8_line_is_named(cli, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        b"12/03/2023, 21:04 - Sam: hi\n12/03/2023, 21:05 - Alex: ok\n12/03/2023, 21:06 - Sam: caf\xe9\n"
    )
    assert_one_line_error(cli("parse", str(path)), f"{path}:3:", "UTF-8")


def test_a_50_megabyte_line_is_refused(cli, tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.write(b"12/03/2023, 21:04 - Sam: ")
        chunk = b"x" * (1024 * 1024)
        handle.writelines(chunk for _ in range(50))
        handle.write(b"\n")
    assert_one_line_error(cli("parse", str(path)), f"{path}:1:", "longer than")


def test_a_message_too_long_in_total_is_refused(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(whatsapp, "MAX_MESSAGE_CHARS", 1000)
    path = tmp_path / "long.txt"
    path.write_text(
        "13/03/2023, 21:04 - Sam: hi\n13/03/2023, 21:05 - Alex: start\n" + "line\n" * 300, encoding="utf-8"
    )
    assert_one_line_error(cli("parse", str(path)), f"{path}:2:", "message longer")


def test_garbage_before_the_first_header(cli, tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text("Chat history with Sam\nexported by me\n12/03/2023, 21:04 - Sam: hi\n", encoding="utf-8")
    assert_one_line_error(cli("parse", str(path)), f"{path}:1:", "before the first WhatsApp message")


def test_blank_lines_before_the_first_header_are_fine(cli, tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text("\n\u200e\n12/03/2023, 21:04 - Sam: hi\n", encoding="utf-8")
    assert rows(cli, path) == [("2023-03-12T21:04:00", "Sam", "message", "hi")]


def test_forced_order_contradicted_by_the_file(cli, tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text("01/03/2023, 21:04 - Sam: hi\n13/03/2023, 21:05 - Alex: ok\n", encoding="utf-8")
    result = cli("parse", "--monthfirst", str(path))
    assert_one_line_error(result, f"{path}:2:", "13/03/2023", "--monthfirst")


def test_dates_that_disagree_with_each_other(cli, tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text("13/03/2023, 21:04 - Sam: hi\n03/14/2023, 21:05 - Alex: ok\n", encoding="utf-8")
    assert_one_line_error(cli("parse", str(path)), f"{path}:2:", "line 1")


def test_empty_file_is_not_whatsapp(cli, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("", encoding="utf-8")
    assert_one_line_error(cli("parse", "--format", "whatsapp", str(path)), str(path), "no WhatsApp message")


# --- Writing and the round trip -------------------------------------------------------------------


def test_write_gives_android_lines():
    turns = [
        Turn("1", datetime(2023, 3, 12, 9, 0), None, 'Sam created group "Us"', "system"),
        Turn("2", datetime(2023, 3, 12, 21, 4, 59), "Sam", "you said\nyou would call"),
    ]
    out = io.StringIO()
    get_reader("whatsapp").write(turns, out)
    assert out.getvalue() == (
        '12/03/2023, 09:00 - Sam created group "Us"\n12/03/2023, 21:04 - Sam: you said\nyou would call\n'
    )


@pytest.mark.parametrize(
    "turn",
    [
        Turn("7", None, "Sam", "hi"),
        Turn("7", datetime(2023, 1, 1), "Sam: Jo", "hi"),
        Turn("7", datetime(2023, 1, 1), "Sam\nJo", "hi"),
    ],
)
def test_write_refuses_what_a_line_cannot_carry(turn):
    with pytest.raises(UsageError, match="turn 7"):
        get_reader("whatsapp").write([turn], io.StringIO())


_NAME_CHARS = st.characters(categories=("L", "N"), include_characters=" +-.'_\U0001f44b")
_TEXT_CHARS = st.characters(
    codec="utf-8",
    exclude_characters="\n\r" + whatsapp.DIRECTION_MARKS,
)


def _usable_name(name: str) -> bool:
    return bool(name) and name == name.strip() and not name.startswith("~")


def _usable_text(lines: list[str]) -> bool:
    first, rest = lines[0], lines[1:]
    return whatsapp._kind(first) == ("message", True) and not any(whatsapp._HEADER.match(x) for x in rest)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=datetime(2009, 1, 1), max_value=datetime(2099, 12, 31)),
            st.text(_NAME_CHARS, min_size=1, max_size=20),
            st.lists(st.text(_TEXT_CHARS, max_size=40), min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_round_trip(messages):
    for _, name, lines in messages:
        assume(_usable_name(name) and _usable_text(lines))
    times = sorted(time.replace(second=0, microsecond=0) for time, _, _ in messages)  # exports run forward
    turns = [
        Turn(str(n), t, name, "\n".join(lines))
        for n, (t, (_, name, lines)) in enumerate(zip(times, messages), 1)
    ]
    out = io.StringIO()
    get_reader("whatsapp").write(turns, out)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chat.txt"
        path.write_text(out.getvalue(), encoding="utf-8")
        back = list(read_turns(path, "whatsapp"))
    assert back == turns


# --- Library behaviour ------------------------------------------------------------------------------


def test_read_streams_turns():
    turns = read_turns(HERE / "android_en.txt")
    assert not isinstance(turns, list)
    first = next(iter(turns))
    assert first.kind == "system" and first.id == "1"


def test_read_error_names_the_zip_member(tmp_path):
    path = tmp_path / "chat.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "_chat.txt", b"[12/03/2023, 21:04:11] Sam: hi\n[12/03/2023, 21:05:11] Sam: caf\xe9\n"
        )
    with pytest.raises(InputError) as caught:
        list(read_turns(path))
    assert str(caught.value).startswith(f"{path}!_chat.txt:2:")
