"""The portal's own words for the parents' evening messages (the invitation with the parent's
own link to book, the confirmation of what they booked, and the reminder the day before), in
English and in each other language of settings.LANGUAGES, as 0002 does for the other kinds. A
school's own template of the same kind and language wins; administrators change either in admin.

Plain, short and warm, signed by a named member of staff, with the school's number to call.
The translations were made by the development team, not by native speakers: see
docs/languages.md (awaiting native review). Names are placeholders and cannot take case
endings, so some languages put them after a colon or in brackets. {appointments} is one line
per appointment (when, with whom, about whom, how, where), made in the parent's language.

Reversible: going back deletes these defaults only, never a school's own words."""

from django.db import migrations

SIGN = {
    "en-gb": "Best wishes,",
    "pl": "Z serdecznymi pozdrowieniami,",
    "ar": "مع أطيب التمنيات،",
    "ur": "نیک تمناؤں کے ساتھ،",
    "ro": "Cu cele mai bune urări,",
    "uk": "З найкращими побажаннями,",
    "gd": "Leis gach deagh dhùrachd,",
    "cy": "Gyda dymuniadau gorau,",
}
DEAR = {
    "en-gb": "Dear {parent_name},",
    "pl": "Dzień dobry, {parent_name},",
    "ar": "عزيزي/عزيزتي {parent_name}،",
    "ur": "محترم/محترمہ {parent_name}،",
    "ro": "Dragă {parent_name},",
    "uk": "Шановний(-а) {parent_name}!",
    "gd": "A {parent_name} chòir,",
    "cy": "Annwyl {parent_name},",
}

# language -> kind -> (subject, the middle paragraphs of the e-mail and letter, text message)
WORDS = {
    "en-gb": {
        "evening_invite": (
            "{evening_name}: book a time to talk about {child_name}",
            [
                "We would like to invite you to our {evening_name}. It is a chance to talk with "
                "the teachers about {child_name} and how things are going. We will start with "
                "what is going well.",
                "When: {evening_when}",
                "You can choose a time that suits you here: {link}\n"
                "You can book or change your times until {book_by}.",
                "You can come in, or talk by phone, or by video call where it is offered. If no "
                "time suits you, or you would like an interpreter, just call us: {school_phone}",
            ],
            "{school_name}: {evening_name}, {evening_when}. Book a time to talk about "
            "{child_name} by {book_by}: {link} From {staff_name}",
        ),
        "evening_booked": (
            "Your times at {evening_name}",
            [
                "Thank you for booking. Here are your times at {evening_name}:",
                "{appointments}",
                "If you need to change or cancel a time, you can do it here: {link}",
                "If anything is not clear, or you would like an interpreter, call us: "
                "{school_phone}. We look forward to seeing you.",
            ],
            "{school_name}: your times at {evening_name}:\n{appointments}\n"
            "To change or cancel: {link} From {staff_name}",
        ),
        "evening_reminder": (
            "A reminder: {evening_name} is tomorrow",
            [
                "This is a friendly reminder of your times tomorrow at {evening_name}:",
                "{appointments}",
                "If you cannot come now, please change or cancel your time here, so another "
                "family can have it: {link}",
                "If you are running late, or need help on the day, call us: {school_phone}. "
                "We look forward to talking with you.",
            ],
            "{school_name}: a reminder of your times tomorrow:\n{appointments}\n"
            "To change or cancel: {link} From {staff_name}",
        ),
    },
    "pl": {
        "evening_invite": (
            "{evening_name}: zapraszamy na rozmowę ({child_name})",
            [
                "Zapraszamy Państwa na spotkanie z nauczycielami: {evening_name}. To okazja, "
                "żeby porozmawiać o tym, jak idzie w szkole ({child_name}). Zaczniemy od tego, "
                "co idzie dobrze.",
                "Kiedy: {evening_when}",
                "Tutaj można wybrać godzinę, która Państwu odpowiada: {link}\n"
                "Można rezerwować i zmieniać godziny do: {book_by}.",
                "Można przyjść osobiście albo porozmawiać przez telefon lub przez wideo, jeśli "
                "jest taka możliwość. Jeśli żadna godzina nie pasuje albo potrzebują Państwo "
                "tłumacza, prosimy zadzwonić: {school_phone}",
            ],
            "{school_name} zaprasza: {evening_name}, {evening_when}. Rozmowa o: {child_name}. "
            "Prosimy wybrać godzinę (do: {book_by}): {link} Pozdrawia {staff_name}",
        ),
        "evening_booked": (
            "Państwa spotkania: {evening_name}",
            [
                "Dziękujemy za rezerwację. Oto Państwa spotkania ({evening_name}):",
                "{appointments}",
                "Jeśli trzeba zmienić albo odwołać godzinę, można to zrobić tutaj: {link}",
                "Jeśli coś jest niejasne albo potrzebują Państwo tłumacza, prosimy zadzwonić: "
                "{school_phone}. Do zobaczenia!",
            ],
            "{school_name}: Państwa spotkania ({evening_name}):\n{appointments}\n"
            "Zmiana lub odwołanie: {link} Pozdrawia {staff_name}",
        ),
        "evening_reminder": (
            "Przypomnienie: jutro {evening_name}",
            [
                "Przypominamy o Państwa jutrzejszych spotkaniach ({evening_name}):",
                "{appointments}",
                "Jeśli nie mogą Państwo przyjść, prosimy zmienić albo odwołać godzinę tutaj, "
                "żeby mogła z niej skorzystać inna rodzina: {link}",
                "Jeśli się Państwo spóźnią albo potrzebują pomocy tego dnia, prosimy zadzwonić: "
                "{school_phone}. Cieszymy się na rozmowę.",
            ],
            "{school_name}: przypominamy o jutrzejszych spotkaniach:\n{appointments}\n"
            "Zmiana lub odwołanie: {link} Pozdrawia {staff_name}",
        ),
    },
    "ar": {
        "evening_invite": (
            "{evening_name}: احجزوا موعدًا للحديث عن {child_name}",
            [
                "يسعدنا أن ندعوكم إلى {evening_name}. إنها فرصة للحديث مع المعلمين عن "
                "{child_name} وعن سير الأمور. سنبدأ بما يسير بشكل جيد.",
                "الموعد: {evening_when}",
                "يمكنكم أن تختاروا هنا وقتًا يناسبكم: {link}\n"
                "يمكنكم الحجز أو تغيير المواعيد حتى: {book_by}",
                "يمكنكم الحضور إلى المدرسة، أو الحديث بالهاتف، أو بمكالمة فيديو حيث يتوفر ذلك. "
                "إذا لم يناسبكم أي وقت، أو أردتم مترجمًا، اتصلوا بنا فقط: {school_phone}",
            ],
            "{school_name}: {evening_name}، {evening_when}. احجزوا وقتًا للحديث عن "
            "{child_name} قبل: {book_by}. {link} {staff_name}",
        ),
        "evening_booked": (
            "مواعيدكم في {evening_name}",
            [
                "شكرًا لكم على الحجز. هذه مواعيدكم في {evening_name}:",
                "{appointments}",
                "إذا احتجتم إلى تغيير موعد أو إلغائه، يمكنكم ذلك من هنا: {link}",
                "إذا كان هناك شيء غير واضح، أو أردتم مترجمًا، اتصلوا بنا: {school_phone}. "
                "نتطلع إلى لقائكم.",
            ],
            "{school_name}: مواعيدكم في {evening_name}:\n{appointments}\n"
            "للتغيير أو الإلغاء: {link} {staff_name}",
        ),
        "evening_reminder": (
            "تذكير: {evening_name} غدًا",
            [
                "هذا تذكير لطيف بمواعيدكم غدًا في {evening_name}:",
                "{appointments}",
                "إذا لم تستطيعوا الحضور، من فضلكم غيّروا الموعد أو ألغوه من هنا، لكي تستفيد منه "
                "عائلة أخرى: {link}",
                "إذا تأخرتم، أو احتجتم إلى مساعدة في ذلك اليوم، اتصلوا بنا: {school_phone}. "
                "نتطلع إلى الحديث معكم.",
            ],
            "{school_name}: تذكير بمواعيدكم غدًا:\n{appointments}\n"
            "للتغيير أو الإلغاء: {link} {staff_name}",
        ),
    },
    "ur": {
        "evening_invite": (
            "{evening_name}: {child_name} کے بارے میں بات کرنے کے لیے وقت بک کریں",
            [
                "ہم آپ کو {evening_name} میں آنے کی دعوت دیتے ہیں۔ یہ اساتذہ سے {child_name} کے "
                "بارے میں بات کرنے کا موقع ہے کہ سب کیسا چل رہا ہے۔ ہم اُن باتوں سے شروع کریں گے "
                "جو اچھی چل رہی ہیں۔",
                "کب: {evening_when}",
                "آپ یہاں اپنی سہولت کا وقت چن سکتے ہیں: {link}\n"
                "آپ اس تاریخ تک وقت بک کر سکتے ہیں یا بدل سکتے ہیں: {book_by}",
                "آپ اسکول آ سکتے ہیں، یا فون پر بات کر سکتے ہیں، یا جہاں ممکن ہو ویڈیو کال پر۔ "
                "اگر کوئی وقت آپ کے لیے ٹھیک نہیں، یا آپ کو ترجمان چاہیے، تو بس ہمیں فون کریں: "
                "{school_phone}",
            ],
            "{school_name}: {evening_name}، {evening_when}۔ {child_name} کے بارے میں بات کے "
            "لیے وقت بک کریں، آخری تاریخ: {book_by}۔ {link} {staff_name}",
        ),
        "evening_booked": (
            "{evening_name} میں آپ کی ملاقاتیں",
            [
                "وقت بک کرنے کا شکریہ۔ {evening_name} میں آپ کی ملاقاتیں یہ ہیں:",
                "{appointments}",
                "اگر آپ کو وقت بدلنا یا منسوخ کرنا ہو، تو یہاں کر سکتے ہیں: {link}",
                "اگر کوئی بات واضح نہیں، یا آپ کو ترجمان چاہیے، تو ہمیں فون کریں: "
                "{school_phone}۔ ہم آپ سے ملنے کے منتظر ہیں۔",
            ],
            "{school_name}: {evening_name} میں آپ کی ملاقاتیں:\n{appointments}\n"
            "بدلنے یا منسوخ کرنے کے لیے: {link} {staff_name}",
        ),
        "evening_reminder": (
            "یاد دہانی: {evening_name} کل ہے",
            [
                "یہ کل {evening_name} میں آپ کی ملاقاتوں کی ایک یاد دہانی ہے:",
                "{appointments}",
                "اگر آپ نہیں آ سکتے، تو براہِ مہربانی یہاں وقت بدل دیں یا منسوخ کر دیں، تاکہ "
                "کوئی اور خاندان یہ وقت لے سکے: {link}",
                "اگر آپ کو دیر ہو جائے، یا اُس دن مدد چاہیے، تو ہمیں فون کریں: {school_phone}۔ "
                "ہم آپ سے بات کرنے کے منتظر ہیں۔",
            ],
            "{school_name}: کل آپ کی ملاقاتوں کی یاد دہانی:\n{appointments}\n"
            "بدلنے یا منسوخ کرنے کے لیے: {link} {staff_name}",
        ),
    },
    "ro": {
        "evening_invite": (
            "{evening_name}: programați o discuție despre {child_name}",
            [
                "Vă invităm la {evening_name}. Este o ocazie să vorbiți cu profesorii despre "
                "{child_name} și despre cum merg lucrurile. Vom începe cu ce merge bine.",
                "Când: {evening_when}",
                "Puteți alege aici o oră care vă convine: {link}\n"
                "Puteți programa sau schimba orele până la: {book_by}.",
                "Puteți veni la școală sau puteți vorbi la telefon ori prin apel video, acolo "
                "unde se oferă. Dacă nicio oră nu vă convine sau aveți nevoie de un interpret, "
                "sunați-ne: {school_phone}",
            ],
            "{school_name}: {evening_name}, {evening_when}. Programați o discuție despre "
            "{child_name} până la: {book_by}. {link} De la {staff_name}",
        ),
        "evening_booked": (
            "Programările dumneavoastră: {evening_name}",
            [
                "Vă mulțumim pentru programare. Iată programările dumneavoastră ({evening_name}):",
                "{appointments}",
                "Dacă trebuie să schimbați sau să anulați o oră, o puteți face aici: {link}",
                "Dacă ceva nu este clar sau aveți nevoie de un interpret, sunați-ne: "
                "{school_phone}. Vă așteptăm cu drag.",
            ],
            "{school_name}: programările dumneavoastră ({evening_name}):\n{appointments}\n"
            "Schimbare sau anulare: {link} De la {staff_name}",
        ),
        "evening_reminder": (
            "Vă reamintim: {evening_name} este mâine",
            [
                "Vă reamintim de programările dumneavoastră de mâine ({evening_name}):",
                "{appointments}",
                "Dacă nu mai puteți veni, vă rugăm să schimbați sau să anulați ora aici, ca să o "
                "poată folosi altă familie: {link}",
                "Dacă întârziați sau aveți nevoie de ajutor în ziua respectivă, sunați-ne: "
                "{school_phone}. Ne bucurăm să vorbim cu dumneavoastră.",
            ],
            "{school_name}: vă reamintim de programările de mâine:\n{appointments}\n"
            "Schimbare sau anulare: {link} De la {staff_name}",
        ),
    },
    "uk": {
        "evening_invite": (
            "{evening_name}: запишіться на розмову ({child_name})",
            [
                "Запрошуємо вас на зустріч з учителями: {evening_name}. Це нагода поговорити "
                "про те, як справи в школі ({child_name}). Ми почнемо з того, що вдається добре.",
                "Коли: {evening_when}",
                "Тут ви можете вибрати зручний для вас час: {link}\n"
                "Записатися або змінити час можна до: {book_by}.",
                "Ви можете прийти до школи або поговорити телефоном чи відеозв'язком, якщо це "
                "можливо. Якщо жоден час вам не підходить або вам потрібен перекладач, просто "
                "зателефонуйте нам: {school_phone}",
            ],
            "{school_name}: {evening_name}, {evening_when}. Розмова про: {child_name}. "
            "Запишіться до: {book_by}. {link} {staff_name}",
        ),
        "evening_booked": (
            "Ваші зустрічі: {evening_name}",
            [
                "Дякуємо, що записалися. Ось ваші зустрічі ({evening_name}):",
                "{appointments}",
                "Якщо потрібно змінити або скасувати час, це можна зробити тут: {link}",
                "Якщо щось незрозуміло або вам потрібен перекладач, зателефонуйте нам: "
                "{school_phone}. Чекаємо на вас!",
            ],
            "{school_name}: ваші зустрічі ({evening_name}):\n{appointments}\n"
            "Змінити або скасувати: {link} {staff_name}",
        ),
        "evening_reminder": (
            "Нагадування: завтра {evening_name}",
            [
                "Нагадуємо про ваші зустрічі завтра ({evening_name}):",
                "{appointments}",
                "Якщо ви не можете прийти, будь ласка, змініть або скасуйте час тут, щоб ним "
                "могла скористатися інша родина: {link}",
                "Якщо ви запізнюєтеся або вам потрібна допомога в цей день, зателефонуйте нам: "
                "{school_phone}. Будемо раді поговорити з вами.",
            ],
            "{school_name}: нагадуємо про ваші зустрічі завтра:\n{appointments}\n"
            "Змінити або скасувати: {link} {staff_name}",
        ),
    },
    "gd": {
        "evening_invite": (
            "{evening_name}: glèidhibh àm gus bruidhinn mu dheidhinn {child_name}",
            [
                "Seo cuireadh dhuibh: {evening_name}. 'S e cothrom a th' ann bruidhinn ris na "
                "tidsearan mu dheidhinn {child_name} agus mar a tha cùisean a' dol. Tòisichidh "
                "sinn leis na tha a' dol gu math.",
                "Cuin: {evening_when}",
                "Faodaidh sibh àm a thaghadh an seo a tha freagarrach dhuibh: {link}\n"
                "Faodaidh sibh amannan a ghlèidheadh no atharrachadh gu ruige: {book_by}.",
                "Faodaidh sibh tighinn dhan sgoil, no bruidhinn air a' fòn, no air gairm bhidio "
                "far a bheil sin ri fhaighinn. Mura h-eil àm sam bith freagarrach, no ma tha "
                "feum agaibh air eadar-theangair, dìreach cuiribh fòn thugainn: {school_phone}",
            ],
            "{school_name}: {evening_name}, {evening_when}. Glèidhibh àm gus bruidhinn mu "
            "dheidhinn {child_name} gu ruige: {book_by}. {link} {staff_name}",
        ),
        "evening_booked": (
            "Na h-amannan agaibh: {evening_name}",
            [
                "Mòran taing airson àm a ghlèidheadh. Seo na h-amannan agaibh ({evening_name}):",
                "{appointments}",
                "Ma dh'fheumas sibh àm atharrachadh no a chur dheth, faodaidh sibh sin a "
                "dhèanamh an seo: {link}",
                "Ma tha rudeigin nach eil soilleir, no ma tha feum agaibh air eadar-theangair, "
                "cuiribh fòn thugainn: {school_phone}. Tha sinn a' coimhead air adhart ri ur "
                "faicinn.",
            ],
            "{school_name}: na h-amannan agaibh ({evening_name}):\n{appointments}\n"
            "Atharrachadh no cur dheth: {link} {staff_name}",
        ),
        "evening_reminder": (
            "Cuimhneachan: {evening_name} a-màireach",
            [
                "Seo cuimhneachan càirdeil mu na h-amannan agaibh a-màireach ({evening_name}):",
                "{appointments}",
                "Mur urrainn dhuibh tighinn, atharraichibh no cuiribh dheth an t-àm an seo, gus "
                "am faigh teaghlach eile e: {link}",
                "Ma bhios sibh fadalach, no ma tha feum agaibh air cuideachadh air an latha, "
                "cuiribh fòn thugainn: {school_phone}. Tha sinn a' coimhead air adhart ri "
                "bruidhinn ribh.",
            ],
            "{school_name}: cuimhneachan mu na h-amannan agaibh a-màireach:\n{appointments}\n"
            "Atharrachadh no cur dheth: {link} {staff_name}",
        ),
    },
    "cy": {
        "evening_invite": (
            "{evening_name}: trefnwch amser i siarad am {child_name}",
            [
                "Hoffen ni eich gwahodd chi i'n noson rieni: {evening_name}. Mae'n gyfle i "
                "siarad gyda'r athrawon am {child_name} a sut mae pethau'n mynd. Byddwn ni'n "
                "dechrau gyda'r hyn sy'n mynd yn dda.",
                "Pryd: {evening_when}",
                "Gallwch chi ddewis amser sy'n gyfleus i chi yma: {link}\n"
                "Gallwch chi drefnu neu newid eich amseroedd tan: {book_by}.",
                "Gallwch chi ddod i'r ysgol, neu siarad ar y ffôn, neu ar alwad fideo lle mae "
                "hynny ar gael. Os nad oes amser yn gyfleus, neu os oes angen cyfieithydd arnoch "
                "chi, ffoniwch ni: {school_phone}",
            ],
            "{school_name}: {evening_name}, {evening_when}. Trefnwch amser i siarad am "
            "{child_name} tan: {book_by}. {link} {staff_name}",
        ),
        "evening_booked": (
            "Eich apwyntiadau: {evening_name}",
            [
                "Diolch am drefnu. Dyma eich apwyntiadau ({evening_name}):",
                "{appointments}",
                "Os oes angen i chi newid neu ganslo amser, gallwch chi wneud hynny yma: {link}",
                "Os oes rhywbeth ddim yn glir, neu os oes angen cyfieithydd arnoch chi, "
                "ffoniwch ni: {school_phone}. Edrychwn ymlaen at eich gweld chi.",
            ],
            "{school_name}: eich apwyntiadau ({evening_name}):\n{appointments}\n"
            "Newid neu ganslo: {link} {staff_name}",
        ),
        "evening_reminder": (
            "Nodyn atgoffa: {evening_name} yfory",
            [
                "Dyma nodyn cyfeillgar i'ch atgoffa am eich apwyntiadau yfory ({evening_name}):",
                "{appointments}",
                "Os na allwch chi ddod, newidiwch neu ganslwch eich amser yma, er mwyn i deulu "
                "arall ei gael: {link}",
                "Os ydych chi'n hwyr, neu os oes angen help arnoch chi ar y diwrnod, ffoniwch "
                "ni: {school_phone}. Edrychwn ymlaen at siarad gyda chi.",
            ],
            "{school_name}: nodyn atgoffa am eich apwyntiadau yfory:\n{appointments}\n"
            "Newid neu ganslo: {link} {staff_name}",
        ),
    },
}

KINDS = ["evening_invite", "evening_booked", "evening_reminder"]


def _body(language, middle):
    parts = [DEAR[language], *middle, SIGN[language] + "\n{staff_name}\n{school_name}"]
    return "\n\n".join(parts)


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("reaching_out", "MessageTemplate")
    for language, kinds in WORDS.items():
        for kind, (subject, middle, text) in kinds.items():
            MessageTemplate.objects.get_or_create(
                school=None,
                kind=kind,
                language=language,
                defaults={"subject": subject, "body": _body(language, middle), "text": text},
            )


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("reaching_out", "MessageTemplate")
    MessageTemplate.objects.filter(
        school__isnull=True, kind__in=KINDS, language__in=list(WORDS)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reaching_out", "0003_historicalmessage_topic_message_topic_and_more")]

    operations = [migrations.RunPython(seed, unseed)]
