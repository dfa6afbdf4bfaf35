"""What WhatsApp writes in each language: clock words, media placeholders, system lines.

The WhatsApp reader (:mod:`.whatsapp`) keeps the line grammar; this module
keeps the words. Everything here is matched case-insensitively against text
whose direction marks are already removed, and loosely on purpose: the apps
change a word or a full stop between versions, and a pattern that names the
distinctive words survives that. Languages covered: English, German,
Spanish, French, Portuguese (Brazil and Portugal), Italian and Dutch; media
placeholders, deleted messages and the encryption notice also in Czech,
Russian, Turkish and Indonesian; Android's "<Media omitted>" in about fifty
languages; the clock words of a few more.

Sources: exports seen in other projects' tests and code (whatstk,
chat-miner, whatsapp-chat-parser) and the apps' own wording.
"""

from __future__ import annotations

import re

# --- Clock words --------------------------------------------------------------

#: Meridiem written after the time: "PM", "pm", "p.m.", "p. m.", "p.\u00a0m.",
#: German "nachm.", Greek "μ.μ.", Arabic "م", Japanese/Chinese/Korean words.
MERIDIEM_AFTER = (
    r"[AaPp]\.?[ \u00a0\u202f]?[Mm]\.?"
    r"|vorm\.|nachm\."
    r"|π\.?[ \u00a0\u202f]?μ\.?|μ\.?[ \u00a0\u202f]?μ\.?"
    r"|ص|م"
    r"|上午|下午|午前|午後|오전|오후"
)
#: Meridiem written before the time (Chinese, Japanese, Korean).
MERIDIEM_BEFORE = r"上午|下午|午前|午後|오전|오후"

#: Words some locales put between the date and the time: French "12/03/2023
#: à 21:04", Finnish "klo", Danish/Norwegian "kl.", German "um".
DATE_TIME_WORDS = r"à|klo|kl\.|um|às|alle|om"

_AM = {"am", "vorm", "πμ", "ص", "上午", "午前", "오전"}
_PM = {"pm", "nachm", "μμ", "م", "下午", "午後", "오후"}
_MERIDIEM_NOISE = str.maketrans("", "", ". \u00a0\u202f")


def is_pm(word: str) -> bool:
    """Whether a meridiem word (as matched by the patterns above) means afternoon."""
    key = word.translate(_MERIDIEM_NOISE).lower()
    if key in _PM:
        return True
    if key in _AM:
        return False
    raise ValueError(f"unknown meridiem {word!r}")  # the patterns and sets disagree


# --- Media placeholders -------------------------------------------------------

# Android, without media: "<Media omitted>" and its translations. Any
# "<... word>" whose last word says "left out" counts, so "<Video message
# omitted>" and "<View once voice message omitted>" do too.
_LEFT_OUT = (
    r"omitted|ausgeschlossen|weggelassen|ausgelassen"
    r"|omitid[oa]s?|omis|omise?s?|absente?s?|retir[ée]e?s?"
    r"|ocult[oa]s?|ocultad[oa]s?"
    r"|omess[aoie]|esclus[aoie]"
    r"|weggelaten"
    r"|dahil edilmedi"
    r"|отсутствует"  # Russian iOS: "изображение отсутствует"
    # iOS as whats_json's test exports show it: Portugal, French, Russian, Ukrainian
    r"|não revelad[oa]s?|manquante?s?|не добавлен|відсутн[єя]|пропущено|не додано"
)
_ANDROID_OMITTED = rf"<[^<>\n]{{0,60}}?\b(?:{_LEFT_OUT})\s*>"
# Languages that put the "left out" word first or say "without media": Czech
# and Russian as seen in real exports, Ukrainian, Polish, Turkish, Indonesian,
# Persian (seen in a real export) and Arabic.
_ANDROID_OMITTED_OTHER = (
    r"<(?:m[ée]dia vynech[áa]n[yaoé]?|bez m[ée]di[íi]"
    r"|без медиафайлов|без медіафайлів|pomini[ęe]to multimedia|multimedia pomini[ęe]te"
    r"|medya dahil edilmedi|media tidak disertakan"
    r"|رسانه حذف شد|تم استبعاد الوسائط)>"
)
# Android's "<Media omitted>" in the app's other languages (Finnish also "<Mediaa ei sisällytetty>",
# "media not included", as a Finnish parser's test writes it), as two parsers list the app's own
# strings (mlomb/chat-analytics; a Dart parser quoting WhatsApp's strings.xml), which agree: a
# message that is only one of these phrases in angle brackets is the placeholder, not words.
_ANDROID_OMITTED_APP = (
    r"<\s?(?:media weggelaat|media buraxıldı|media çıxarılmışdır|без файл|মিডিয়া বাদ দেওয়া হয়েছে"
    r"|fitxers multimèdia omesos|mitjans omesos|medier udeladt|mediefil udeladt"
    r"|αρχείο παραλήφθηκε|εξαίρεση πολυμέσων|meedia välja jäetud|meedia ära jäetud"
    r"|پيوست نما/آهنگ حذف شد|media jätettiin pois|media jätetty pois|mediaa ei sisällytetty|મિડિયા છોડી મૂકાયું|મીડિયા અવગણવામાં આવ્યા"
    r"|मीडिया के बिना|medijski zapis izostavljen|média elhagyva|hiányzó médiafájl"
    r"|המדיה לא נכללה|מדיה הושמטה|メディアなし|メディアは含まれていません|файлдар қосылмаған|файл қосылған жоқ"
    r"|미디어 파일 제외됨|미디어 파일을 생략한 대화내용|medija praleista|praleistas medijos turinys"
    r"|nav iekļauta multivide|bez multivides|без фајлови|без фајл|media dikecualikan|media disingkirkan"
    r"|media utelatt|uten vedlegg|pliki pominięto|ficheiro não revelado|файл пропущен|médiá vynechané"
    r"|datoteke izpuščene|medij izpuščen|media u hoq|media hequr|медији су изостављени"
    r"|media utelämnat|media har utelämnats|media hazijajumuishwa|media imerukwa|ไฟล์สื่อถูกลบ|สื่อถูกลบ"
    r"|walang kalakip na media|medya atlanmış|медіа пропущено|میڈیا چھوڑ دیا گیا|میڈیا ہٹا دیا گیا"
    r"|fayl o‘tkazib yuborildi|bỏ qua tệp phương tiện|bỏ qua media|忽略多媒體檔|省略多媒体文件"
    r"|média vynechána|മീഡിയ ഒഴിവാക്കി|मीडिया वगळले|मीडिया वगळण्यात आला)\s?>"
)

# iOS, without media: "image omitted", "Bild weggelassen", "imagen omitida",
# "image absente", "imagem ocultada", "immagine omessa", "afbeelding
# weggelaten" ...; documents add their name first ("Lease.pdf • 3 pages
# document omitted").
_MEDIA_NOUNS = (
    r"image|photo|video|audio|sticker|gif|document|contact card|voice message"
    r"|bild|foto|audiodatei|dokument|kontaktkarte|kontakt"
    r"|imagen|v[íi]deo|documento|tarjeta de contacto|contacto|pegatina"
    r"|vid[ée]o|autocollant|carte de contact|contact"
    r"|imagem|[áa]udio|figurinha|adesivo|cart[ãa]o de contato|contato"
    r"|immagine|scheda contatto|contatto"
    r"|afbeelding|contactkaart"
    r"|g[öo]r[üu]nt[üu]|ses|[çc]ıkartma|belge|ki[şs]i kart[ıi]"  # Turkish, with "dahil edilmedi"
    r"|изображение|видео|аудио|аудиофайл|стикер|документ|карточка контакта"  # Russian, with "отсутствует"
    r"|ficheiro de [áa]udio|contacto|fiche contact"  # Portugal, French
    r"|зображення|відео|аудіо|картка контакту|наклейку|gif-анімацію"  # Ukrainian
)
# A document may be named first: "plan.pdf • 2 pages document omitted", or without
# the page count ("Budget.xlsx document omitted").
_IOS_OMITTED = rf"(?:[^\n]*\s•\s[^\n]*?|[^\n]*\.\w{{1,5}}\s)?(?:{_MEDIA_NOUNS})\s(?:{_LEFT_OUT})"
# Languages whose iOS placeholder is a phrase of its own (as whats_json's test exports from an
# iPhone show them): Japanese, Thai, Vietnamese. A document's name may come first.
_IOS_OMITTED_PHRASES = (
    r"(?:[^\n]*\s•\s[^\n]*?\s?|[^\n]*\.\w{1,5}\s)?"
    r"(?:(?:画像|ビデオ|音声|スタンプ|ドキュメント|GIF)は含まれていません|連絡先カードを省略"
    r"|ไม่มีรูปภาพ|วิดีโอถูกลบ|ไม่มีไฟล์เสียง|บัตรรายชื่อที่ละเว้น|ไม่มีสติกเกอร์|ละเว้นเอกสาร|ละเว้น GIF"
    r"|đã bỏ qua hình ảnh|đã bỏ video|bỏ qua tệp âm thanh|bỏ qua thẻ liên lạc|đã bỏ sticker"
    r"|đã bỏ qua tài liệu|đã bỏ qua ảnh gif)"
)

# iOS, with media: "<attached: 00000012-PHOTO-2023-01-01-10-00-00.jpg>",
# "<Anhang: …>", "<adjunto: …>", "<pièce jointe : …>", "<anexo: …>", ...
_IOS_ATTACHED = r"<[^<>:\n]{2,40}:\s*[^<>\n]+\.\w{1,8}>"

# Android, with media: "IMG-20230101-WA0001.jpg (file attached)" (a document's name may have lost
# its extension: "DOC-20221118-WA0004. (file attached)", seen in a real export) and its
# translations; a caption, if any, follows on the next lines.
_ATTACHED_WORDS = (
    r"file attached|datei angeh[äa]ngt|archivo adjunto|fichier joint"
    r"|arquivo anexado|ficheiro anexado|anexo|file allegato|allegato"
    r"|bestand bijgevoegd|file terlampir|plik za[łl][ąa]czony|dosya ekli"
)
_ANDROID_ATTACHED = (
    rf"[^\n]+\.\w{{1,8}} \((?:{_ATTACHED_WORDS})\)"
    r"|(?:IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d+\.\w{0,8} \([^()\n]{2,40}\)"
)

# Older iOS (about 2016): the file's name, then the word in angle brackets:
# "3.jpg <bijgevoegd>" (seen in a real Dutch export), "IMG_0042.JPG <attached>".
_OLD_IOS_ATTACHED = (
    r"[^\n<>]+\.\w{1,8} <(?:attached|bijgevoegd|angeh[äa]ngt|adjunto|joint|pi[èe]ce jointe|allegato|anexado|anexo)>"
)

# WhatsApp Web's export (2025): "GIF attached", "2 contacts shared", and a shared place as
# "Location: 52.37, 4.89 - https://maps.google.com/?q=52.37,4.89"; iOS writes the place
# without the coordinates before the link ("Location: https://maps.google.com/?q=52.37,4.89").
_WEB_MEDIA = (
    r"gif attached|\d{1,4} contacts? shared"
    r"|(?:live )?location: (?:-?\d{1,3}(?:\.\d+)?, -?\d{1,3}(?:\.\d+)? - )?https://maps\.google\.com/\?q=\S+"
    # iOS names the place in its own language: "Standort:", "Localisation:", "位置情報:", "Vị trí:" …
    r"|[^\n:]{1,30}: https://maps\.google\.com/\?q=-?\d[\d.]*,-?\d[\d.]*"
    # iOS shares a named place as its Foursquare page: "Pimlico Gardens (London, UK): https://foursquare.com/v/…"
    r"|[^\n]{1,160}?:? https://foursquare\.com/v/\S+"
)

# Android writes a view-once photo or video as the bare word "null".
_VIEW_ONCE = r"null"

_MEDIA = (
    rf"{_ANDROID_OMITTED}|{_ANDROID_OMITTED_OTHER}|{_ANDROID_OMITTED_APP}|{_IOS_OMITTED}|{_IOS_OMITTED_PHRASES}"
    rf"|{_IOS_ATTACHED}"
    rf"|{_ANDROID_ATTACHED}|{_OLD_IOS_ATTACHED}|{_WEB_MEDIA}|{_VIEW_ONCE}"
)
MEDIA = re.compile(_MEDIA, re.IGNORECASE)


# --- Per-person events: system lines that keep their speaker ----------------

#: "This message was deleted" / "You deleted this message" and translations.
_DELETED = (
    r"(?:this message was deleted(?: by (?:an )?admin\b[^\n]{0,80})?|you deleted this message(?: as admin)?"
    r"|diese nachricht wurde gel[öo]scht|du hast diese nachricht gel[öo]scht"
    r"|se elimin[óo] este mensaje|eliminaste este mensaje|este mensaje fue eliminado"
    r"|ce message a [ée]t[ée] supprim[ée]|vous avez supprim[ée] ce message"
    r"|esta mensagem foi (?:apagada|eliminada)|voc[êe] apagou esta mensagem"
    r"|apagou esta mensagem|eliminou esta mensagem|mensagem apagada"
    r"|questo messaggio [èe] stato eliminato|hai eliminato questo messaggio"
    r"|dit bericht is verwijderd|je hebt dit bericht verwijderd|u hebt dit bericht verwijderd"
    r"|данное сообщение удалено|вы удалили (?:данное|это) сообщение|это сообщение удалено"
    r"|tato zpr[áa]va byla smaz[áa]na|smazali jste tuto zpr[áa]vu"
    r"|bu mesaj silindi|bu mesaj[ıi] sildiniz|pesan ini telah dihapus|pesan ini dihapus|anda menghapus pesan ini"
    r"|ta wiadomo[śs][ćc] zosta[łl]a usuni[ęe]ta|usun[ąa][łl]e[śs] t[ęe] wiadomo[śs][ćc]"
    # Hebrew (seen in a real iOS export)
    r"|הודעה זו נמחקה|מחקת את ההודעה הזו"
    # More languages, as a Dart parser quotes the apps' own strings (iOS key "qBly]", Android
    # "revoked_msg_incoming" and "revoked_msg_outgoing")
    r"|це повідомлення було видалено|ви видалили це повідомлення"
    r"|تم حذف هذه الرسالة|لقد حذَفت هذه الرسالة|أنت حذفت هذه الرسالة"
    r"|此訊息已刪除。?|这条消息已被删除。?|信息已删除|您已刪除此訊息。?|您已删除这条消息。?"
    r"|このメッセージは削除されました。?|このメッセージを削除しました。?"
    r"|이 메시지는 삭제되었습니다|삭제한 메시지입니다|이 메시지를 삭제했습니다"
    r"|tin nhắn này đã bị x(?:óa|oá)|bạn đã x(?:óa|oá) tin nhắn này"
    r"|ข้อความนี้ถูกลบแล้ว|ข้อความนี้ได้ถูกลบ|คุณได้ลบข้อความนี้|คุณลบข้อความนี้"
    r"|det här meddelandet raderades|detta meddelande raderades|du har tagit bort meddelandet"
    r"|du raderade (?:det här|detta) meddelande"
    r"|denne besked (?:er blevet|blev) slettet|du har slettet denne besked|du slettede denne besked"
    r"|denne meldingen ble slettet|du slettet denne meldingen"
    r"|tämä viesti poistettiin|poistit tämän viestin"
    r"|αυτό το μήνυμα διαγράφηκε|διαγράψατε αυτό το μήνυμα"
    r"|ez az üzenet törlésre került|ezt az üzenetet törölted|törölted ezt az üzenetet"
    r"|acest mesaj a fost [șş]ters|a[țţ]i [șş]ters acest mesaj"
    r"|táto správa bola odstránená|túto správu ste odstránili|tato zpráva byla odstraněna"
    r"|mesej ini telah dipadam|anda telah memadamkan mesej ini"
    r"|यह मैसेज डिलीट कर दिया गया है|यह संदेश मिटाया गया|आपने यह मैसेज डिलीट किया"
    r"|این پیام حذف شده است|این پیام حذف شد|شما این پیام را حذف کردید"
    r"|aquest missatge s'ha suprimit|has suprimit aquest missatge"
    r"|ova je poruka izbrisana|ova poruka je izbrisana|izbrisali ste ovu poruku"
    r")\.?"
)
DELETED = re.compile(_DELETED, re.IGNORECASE)

#: Missed calls, as iOS writes them under the caller's name ("Missed voice
#: call", sometimes followed by ", Tap to call back").
_MISSED_CALL = (
    r"(?:(?:missed|silenced) (?:group )?(?:voice|video) call"
    r"|verpasster (?:gruppen)?(?:sprach|video)anruf"
    r"|(?:llamada(?: de voz)?|videollamada) perdida"
    r"|appel (?:vocal|vid[ée]o) manqu[ée]"
    r"|(?:chamada|liga[çc][ãa]o) de (?:voz|v[íi]deo) perdida"
    r"|(?:chiamata vocale|videochiamata) persa"
    r"|gemiste (?:spraak|video|audio)-?oproep"
    r"|(?:video)?llamada, sin respuesta"  # iOS in Spanish (seen in a real export)
    r"|пропущенный (?:аудио|видео)звонок"
    r")\b.*"
)
MISSED_CALL = re.compile(_MISSED_CALL, re.IGNORECASE)

#: Calls that took place or went unanswered, as iOS writes them under the
#: caller's name: "Voice call. 2 min.", "Video call, No answer", "Sprachanruf.
#: 12 Min." (seen in other projects' tests). The call word alone ("Video
#: call, tonight?") stays a message: a length or an answer word must follow.
_CALL = (
    r"(?:(?:group )?(?:voice|video) call|(?:gruppen)?(?:sprach|video)anruf|llamada(?: de voz)?|videollamada"
    r"|appel (?:vocal|vid[ée]o)|(?:chamada|liga[çc][ãa]o) de (?:voz|v[íi]deo)|chiamata vocale|videochiamata"
    r"|(?:spraak|video)-?oproep|(?:аудио|видео)звонок)"
    # a length ("12 min", "1 hr 5 min", "1 ч 5 мин") or an answer word
    r"[.,]\s*(?:(?:\d+\s*(?:sec|s|min|hr|h|std|seg|minutos?|minuti|minuten|heures?|horas?|ore|ч|мин|сек)\.?\s*)+"
    r"|no answer|keine antwort|sin respuesta|sem resposta|pas de r[ée]ponse|nessuna risposta|geen antwoord|нет ответа"
    r"|answered on other device|(?:tap|click) to call back)"
)

#: A message the phone could not yet decrypt when the chat was exported (WhatsApp's own
#: export writes these words in its place): someone did write, but not these words.
_WAITING = r"waiting for this message\.?(?: this may take a while\.?)?"

#: A poll: "POLL:" (or its translation) on the first line, "OPTION: … (2 votes)"
#: lines below; the app's own layout, kept as media (the votes are not words).
POLL = re.compile(r"(?:POLL|ABSTIMMUNG|UMFRAGE|ENCUESTA|SONDAGE|ENQUETE|SONDAGGIO|PEILING)\s?:", re.IGNORECASE)
POLL_OPTION = re.compile(r"\s*OPTION\s?:.*\(\d+\s+\w+\)\s*$|\s{2,}- \S")  # WhatsApp Web: "    - Thai place"


#: The note WhatsApp (since 2023) appends to an edited message: the app's
#: words, not the writer's, so the reader takes them off the end of the text.
EDITED = re.compile(
    r"\s*[\u200e\u200f]?<(?:this message was edited|diese nachricht wurde bearbeitet"
    r"|este mensaje fue editado|se edit[óo] este mensaje|ce message a [ée]t[ée] modifi[ée]"
    r"|esta mensagem foi editada|mensagem editada|questo messaggio [èe] stato modificato"
    r"|dit bericht is bewerkt|bericht bewerkt|это сообщение изменено|ההודעה נערכה)\.?>$",  # iOS in Spanish ends it with "."
    re.IGNORECASE,
)


# --- Chat events: system lines with no speaker ---------------------------------

#: The end-to-end encryption notice at the top of every chat. iOS writes it
#: under the chat's name ("Alex: Messages and calls are end-to-end encrypted").
_ENCRYPTION = (
    r"(?:(?:messages|nachrichten|los mensajes|mensajes|les messages|as mensagens|mensagens"
    r"|i messaggi|berichten|сообщения|zpr[áa]vy|mesajlar|pesan|wiadomo[śs]ci|ההודעות)\b.{0,160}?"
    r"(?:end-to-end|ende-zu-ende|extremo a extremo|de bout en bout|ponta a ponta"
    r"|ponto a ponto|ponto-a-ponto|сквозным шифрованием|koncov\w* šifrov\w*|uçtan uca|מקצה לקצה)"
    # The notice's opening words in more languages, as the Dart parser above quotes the apps' strings
    r"|(?:meddelanden och samtal är|beskeder og opkald er end-to-end|meldinger og samtaler er ende-til-ende"
    r"|viestit ja puhelut salataan|τα μηνύματα και οι κλήσεις κρυπτογραφούνται"
    r"|повідомлення й дзвінки захищено|الرسائل والمكالمات مشفرة"
    r"|消息和通话都进行端到端加密|訊息和通話經端對端加密|訊息已受端對端加密保護"
    r"|メッセージと通話はエンドツーエンド暗号化|메시지 및 전화는 종단간 암호화"
    r"|tin nhắn và cuộc gọi được mã hóa đầu cuối|ข้อความและการโทรได้รับการเข้ารหัส"
    r"|az üzenetek és hívások végpontok közötti|mesajele și apelurile sunt criptate"
    r"|správy a hovory sú zabezpečené|mesej dan panggilan disulitkan|els missatges i les trucades estan xifrats"
    r"|poruke i pozivi zaštićeni su|मैसेजेस और कॉल्स एंड-टू-एंड))"
)
ENCRYPTION = re.compile(_ENCRYPTION, re.IGNORECASE)

#: All of the above in one pattern, for one match per message: the group that
#: matched says what the whole text is ("media"; "own": a system line that
#: keeps its speaker; "chat": a system line of the whole chat).
NOTICE = re.compile(
    rf"(?P<media>{_MEDIA})|(?P<own>{_DELETED}|{_MISSED_CALL}|{_CALL}|{_WAITING})|(?P<chat>{_ENCRYPTION}.*)",
    re.IGNORECASE,
)

#: Group, security-code and disappearing-message events. Matched only where
#: the line is already known to be a system line of iOS (its text starts with
#: a left-to-right mark) or, for Android, to find where a group subject with
#: a colon starts; so it may be broad.
CHAT_EVENT = re.compile(
    r"\b(?:"
    # English
    r"created (?:group|this group|the group)|added|removed|left|joined using|changed the subject"
    r"|changed (?:this group's|the group) (?:icon|name|description|settings)|deleted this group's icon"
    r"|changed (?:their|his|her) phone number|security code|disappearing messages|were added|was added"
    r"|updated the message timer|turned (?:on|off) disappearing|turned (?:on|off) admin approval"
    r"|changed the settings so"
    r"|is now an admin|now an admin"
    r"|is a contact\.?$"  # iOS, atop a chat with a saved contact: "Sam is a contact."
    # German
    r"|hat die gruppe|hat den betreff|hat das gruppenbild|hat die gruppenbeschreibung|hinzugef[üu]gt"
    r"|entfernt|verlassen|beigetreten|sicherheitscode|sicherheitsnummer|selbstl[öo]schende"
    # Spanish
    r"|cre[óo] el grupo|a[ñn]adi[óo]|agreg[óo]|elimin[óo] a|sali[óo]|se uni[óo]|cambi[óo] el asunto"
    r"|cambi[óo] (?:el nombre|la foto|el [íi]cono|la descripci[óo]n)|c[óo]digo de seguridad"
    r"|mensajes temporales"
    # French
    r"|a cr[ée]{2} le groupe|a ajout[ée]|a retir[ée]|est parti|a quitt[ée]|a rejoint"
    r"|a (?:modifi[ée]|chang[ée]) (?:le sujet|le nom|la photo|l'ic[ôo]ne|la description)"
    r"|code de s[ée]curit[ée]|messages [ée]ph[ée]m[èe]res"
    # Portuguese
    r"|criou o grupo|criou este grupo|adicionou|removeu|saiu|entrou usando"
    r"|(?:mudou|alterou) (?:o assunto|o nome|a imagem|o [íi]cone|a descri[çc][ãa]o)"
    r"|c[óo]digo de seguran[çc]a|mensagens tempor[áa]rias"
    # Italian
    r"|ha creato il gruppo|ha aggiunto|ha rimosso|[èe] uscit[oa]|ha abbandonato|si [èe] unit[oa]"
    r"|ha (?:cambiato|modificato) (?:l'oggetto|il nome|l'immagine|la descrizione)"
    r"|codice di sicurezza|messaggi effimeri"
    # Dutch
    r"|heeft groep|heeft .{1,80} toegevoegd|heeft .{1,80} verwijderd|is vertrokken|heeft de groep verlaten"
    r"|neemt deel|heeft (?:het onderwerp|de groepsnaam|het groepsicoon|de groepsafbeelding"
    r"|de groepsbeschrijving)|beveiligingscode|verdwijnende berichten"
    # Hebrew: "X הסיר/ה את Y" (removed, seen in a real export), added, left, created
    r"|הסיר/ה את|הוסיף/ה את|יצא/ה|יצר/ה את הקבוצה|הצטרף/ה"
    # A changed security code in Russian, Ukrainian and Vietnamese (whats_json's test exports)
    r"|код безопасности|код безпеки|mã bảo mật"
    r")"
    # … and in Japanese and Thai, written without spaces between words (so no \b before them)
    r"|セキュリティコード|รหัสความปลอดภัย",
    re.IGNORECASE,
)

#: Android group events whose quoted subject may hold ": " and so look like
#: "Name: text"; they start with the actor and one of these phrases, then a
#: quotation mark.
SUBJECT_EVENT = re.compile(
    r"(?:created group|changed the subject|changed the group name|changed this group's name"
    r"|hat die gruppe|hat den betreff|hat den gruppennamen"
    r"|cre[óo] el grupo|cambi[óo] el asunto|cambi[óo] el nombre"
    r"|a cr[ée]{2} le groupe|a (?:modifi[ée]|chang[ée]) (?:le sujet|le nom)"
    r"|criou o grupo|(?:mudou|alterou) (?:o assunto|o nome)"
    r"|ha creato il gruppo|ha (?:cambiato|modificato) (?:l'oggetto|il nome)"
    r"|heeft groep|heeft (?:het onderwerp|de groepsnaam)"
    r"|создал[аи]? группу|изменил[аи]? (?:тему|название группы)"
    r")[^\"“„«]{0,80}[\"“„«]",
    re.IGNORECASE,
)

#: Quotation marks WhatsApp puts around a group subject, in any language.
SUBJECT_QUOTES = '"“„«'


#: A placeholder with the caption on the same line, as WhatsApp Web's export writes it:
#: "<image omitted> the queue at the pharmacy", "IMG_1.jpg (file attached) the queue"; and as iOS
#: does: "<attached: 00000031-PHOTO-….jpg> the queue".
#: The file's name opens the text and holds no space: "I sent the report.pdf (file attached) yesterday,
#: did you open it?" is someone's words.
MEDIA_WITH_CAPTION = re.compile(
    rf"(?:{_ANDROID_OMITTED}|{_IOS_ATTACHED}|[^\s<>]+\.\w{{1,8}} \((?:{_ATTACHED_WORDS})\)"
    r"|(?:IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d+\.\w{0,8} \([^()\n]{2,40}\))\s",
    re.IGNORECASE,
)

#: A placeholder of a file a person sent (not a shared place or contact, not "null"), to find
#: the caption a person wrote with it: on the same line ("<attached: 1.jpg> look", "IMG-1.jpg
#: (file attached) look") or on the lines below. ``CAPTIONED.match(text).end()`` is where the
#: caption starts.
CAPTIONED = re.compile(
    rf"(?:{_ANDROID_OMITTED}|{_ANDROID_OMITTED_OTHER}|{_ANDROID_OMITTED_APP}|{_IOS_ATTACHED}"
    rf"|{_OLD_IOS_ATTACHED}|[^\s<>]+\.\w{{1,8}} \((?:{_ATTACHED_WORDS})\)"
    r"|(?:IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d+\.\w{0,8} \([^()\n]{2,40}\))(?:\s+|$)"
    rf"|(?:{_IOS_OMITTED}|{_IOS_OMITTED_PHRASES}|{_ANDROID_ATTACHED})$",
    re.IGNORECASE,
)

#: A line that is only a file's name ("weekend plan.pdf"): Android writes a document's own name
#: under its placeholder; that is the app's, not a caption.
FILE_NAME = re.compile(r"[^\n/\\]{1,160}\.(?=[0-9]{0,4}[A-Za-z])[A-Za-z0-9]{2,5}")

#: WhatsApp Web's note before a forwarded message's words: the app's, not the writer's.
FORWARDED = re.compile(r"\[Forwarded(?: many times)?\] ")

#: Lines WhatsApp Web's export writes above the first message, with no time.
PREAMBLE = re.compile(rf"(?:{_ENCRYPTION}.*|some earlier messages may not be available\.?)", re.IGNORECASE)
