"""The portal's own words for each kind of message to parents and carers (school empty), in
English and in each other language of settings.LANGUAGES. A school's own template of the same
kind and language wins over these; administrators change either in admin.

Plain, short and warm (a reading age of about 9), strengths first, signed by a named member of
staff. The translations were made by the development team, not by native speakers: see
docs/languages.md (awaiting native review). Names are placeholders and cannot take case
endings, so some languages put them after a colon or in brackets.

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
        "good_news": (
            "Good news about {child_name}",
            [
                "We have some good news about {child_name} to share with you.",
                "{news}",
                "Thank you for all you do. We are very proud.",
            ],
            "Good news from {school_name} about {child_name}: {news} From {staff_name}",
        ),
        "invitation": (
            "Can we meet to talk about {child_name}?",
            [
                "We would like to meet with you to talk about {child_name}. You know your "
                "child best, and we want to hear what you think. We will start with what is "
                "going well.",
                "When: {meeting_when}\nWhere: {meeting_place}",
                "Before we meet, you can tell us here what you hope for from the meeting: {link}",
                "If the time does not suit you, just tell us. A different time is fine. You are "
                "welcome to bring someone with you.",
            ],
            "{school_name} would like to meet you about {child_name}: {meeting_when}, "
            "{meeting_place}. Another time is fine, just tell us. What do you hope for? "
            "{link} From {staff_name}",
        ),
        "summary": (
            "What we agreed about {child_name}",
            [
                "Thank you for meeting with us on {meeting_when}. It was good to talk about "
                "{child_name} together.",
                "You can read what we talked about and what we agreed here: {link}",
                "If something is not right, or you want to add something, you can tell us there.",
            ],
            "Thank you for meeting {school_name} about {child_name}. Read what we agreed "
            "here: {link} From {staff_name}",
        ),
        "step_reminder": (
            "A reminder about our plan for {child_name}",
            [
                "This is a friendly reminder about a step we agreed together for {child_name}:",
                "{step} (by {step_due})",
                "If it is hard to do, or something has changed, please tell us. We can find "
                "another way together.",
            ],
            "A reminder from {school_name} about what we agreed for {child_name}: {step} "
            "(by {step_due}). If it is hard, just tell us. From {staff_name}",
        ),
        "hear_from_you": (
            "We would like to hear from you",
            [
                "We would like to know how things are going with the school for you and "
                "{child_name}. What is going well? What could be better?",
                "You can tell us here, in a few minutes: {link}",
                "If you would rather talk, call us or come in. Whatever suits you is fine.",
            ],
            "{school_name} would like to hear how things are going for {child_name}. Tell us "
            "here: {link} From {staff_name}",
        ),
        "free": (
            "A message from {school_name}",
            ["{words}"],
            "{school_name}: {words} From {staff_name}",
        ),
    },
    "pl": {
        "good_news": (
            "Dobre wieści: {child_name}",
            [
                "Mamy dobrą wiadomość. Dotyczy: {child_name}.",
                "{news}",
                "Dziękujemy za wszystko, co Państwo robią. Jesteśmy bardzo dumni!",
            ],
            "{school_name} – dobra wiadomość ({child_name}): {news} Pozdrawia {staff_name}",
        ),
        "invitation": (
            "Zaproszenie na spotkanie ({child_name})",
            [
                "Chcielibyśmy spotkać się z Państwem w sprawie: {child_name}. Państwo znają "
                "swoje dziecko najlepiej i chcemy usłyszeć Państwa zdanie. Zaczniemy od tego, "
                "co idzie dobrze.",
                "Kiedy: {meeting_when}\nGdzie: {meeting_place}",
                "Przed spotkaniem mogą Państwo napisać tutaj, czego od niego oczekują: {link}",
                "Jeśli termin nie pasuje, prosimy dać znać. Inny termin też jest w porządku. "
                "Mogą Państwo przyjść z kimś bliskim.",
            ],
            "{school_name} zaprasza na spotkanie ({child_name}): {meeting_when}, "
            "{meeting_place}. Inny termin też jest w porządku. Czego Państwo oczekują? "
            "{link} Pozdrawia {staff_name}",
        ),
        "summary": (
            "Co ustaliliśmy ({child_name})",
            [
                "Dziękujemy za spotkanie ({meeting_when}). Dobrze było porozmawiać razem. "
                "Rozmowa dotyczyła: {child_name}.",
                "Tutaj można przeczytać, o czym rozmawialiśmy i co ustaliliśmy: {link}",
                "Jeśli coś się nie zgadza albo chcą Państwo coś dodać, można to tam napisać.",
            ],
            "{school_name} dziękuje za spotkanie ({child_name}). Co ustaliliśmy: {link} "
            "Pozdrawia {staff_name}",
        ),
        "step_reminder": (
            "Przypomnienie o naszym planie ({child_name})",
            [
                "Przypominamy o kroku, który razem ustaliliśmy ({child_name}):",
                "{step} (do: {step_due})",
                "Jeśli to trudne albo coś się zmieniło, prosimy dać znać. Razem znajdziemy "
                "inny sposób.",
            ],
            "{school_name} przypomina, co ustaliliśmy ({child_name}): {step} (do: "
            "{step_due}). Jeśli to trudne, prosimy dać znać. Pozdrawia {staff_name}",
        ),
        "hear_from_you": (
            "Chcielibyśmy poznać Państwa zdanie",
            [
                "Chcielibyśmy wiedzieć, jak układa się Państwu współpraca ze szkołą "
                "({child_name}). Co idzie dobrze? Co mogłoby być lepiej?",
                "Można nam to napisać tutaj, zajmie to kilka minut: {link}",
                "Jeśli wolą Państwo porozmawiać, prosimy zadzwonić albo przyjść. Każdy sposób "
                "jest dobry.",
            ],
            "{school_name} chce wiedzieć, jak idzie ({child_name}). Prosimy napisać tutaj: "
            "{link} Pozdrawia {staff_name}",
        ),
        "free": (
            "Wiadomość: {school_name}",
            ["{words}"],
            "{school_name}: {words} Pozdrawia {staff_name}",
        ),
    },
    "ar": {
        "good_news": (
            "أخبار سارة عن {child_name}",
            [
                "لدينا أخبار سارة عن {child_name} نودّ أن نشاركها معكم.",
                "{news}",
                "شكرًا لكم على كل ما تفعلونه. نحن فخورون جدًا.",
            ],
            "أخبار سارة من {school_name} عن {child_name}: {news} {staff_name}",
        ),
        "invitation": (
            "هل يمكننا أن نلتقي للحديث عن {child_name}؟",
            [
                "نودّ أن نلتقي بكم للحديث عن {child_name}. أنتم تعرفون طفلكم أكثر من أي أحد، "
                "ونريد أن نسمع رأيكم. سنبدأ بما يسير بشكل جيد.",
                "الموعد: {meeting_when}\nالمكان: {meeting_place}",
                "قبل اللقاء، يمكنكم أن تخبرونا هنا بما تأملون منه: {link}",
                "إذا لم يناسبكم الوقت، أخبرونا فقط. لا مشكلة في وقت آخر. ويمكنكم أن تحضروا "
                "مع شخص تختارونه.",
            ],
            "تدعوكم {school_name} إلى لقاء عن {child_name}: {meeting_when}، {meeting_place}. "
            "لا مشكلة في وقت آخر، أخبرونا فقط. ما الذي تأملونه؟ {link} {staff_name}",
        ),
        "summary": (
            "ما اتفقنا عليه بخصوص {child_name}",
            [
                "شكرًا لكم على لقائنا ({meeting_when}). كان من الجيد أن نتحدث معًا عن {child_name}.",
                "يمكنكم أن تقرؤوا هنا ما تحدثنا عنه وما اتفقنا عليه: {link}",
                "إذا كان هناك شيء غير صحيح، أو أردتم إضافة شيء، يمكنكم أن تخبرونا هناك.",
            ],
            "شكرًا لكم على اللقاء بخصوص {child_name}. اقرؤوا هنا ما اتفقنا عليه: {link} "
            "{staff_name}، {school_name}",
        ),
        "step_reminder": (
            "تذكير بخطتنا من أجل {child_name}",
            [
                "هذا تذكير لطيف بخطوة اتفقنا عليها معًا من أجل {child_name}:",
                "{step} (قبل: {step_due})",
                "إذا كان ذلك صعبًا، أو تغيّر شيء، من فضلكم أخبرونا. سنجد طريقة أخرى معًا.",
            ],
            "تذكير من {school_name} بما اتفقنا عليه من أجل {child_name}: {step} (قبل: "
            "{step_due}). إذا كان صعبًا، أخبرونا فقط. {staff_name}",
        ),
        "hear_from_you": (
            "نودّ أن نسمع منكم",
            [
                "نودّ أن نعرف كيف تسير الأمور مع المدرسة بالنسبة لكم ولـ {child_name}. ما الذي "
                "يسير بشكل جيد؟ وما الذي يمكن أن يكون أفضل؟",
                "يمكنكم أن تخبرونا هنا، في دقائق قليلة: {link}",
                "إذا كنتم تفضلون الحديث، اتصلوا بنا أو تعالوا إلى المدرسة. كما يناسبكم.",
            ],
            "تودّ {school_name} أن تعرف كيف تسير الأمور مع {child_name}. أخبرونا هنا: {link} "
            "{staff_name}",
        ),
        "free": (
            "رسالة من {school_name}",
            ["{words}"],
            "{school_name}: {words} {staff_name}",
        ),
    },
    "ur": {
        "good_news": (
            "{child_name} کے بارے میں اچھی خبر",
            [
                "ہمارے پاس {child_name} کے بارے میں ایک اچھی خبر ہے جو ہم آپ کو بتانا چاہتے ہیں۔",
                "{news}",
                "آپ جو کچھ کرتے ہیں اُس کا بہت شکریہ۔ ہمیں بہت فخر ہے۔",
            ],
            "{school_name} کی طرف سے {child_name} کے بارے میں اچھی خبر: {news} {staff_name}",
        ),
        "invitation": (
            "کیا ہم {child_name} کے بارے میں بات کرنے کے لیے مل سکتے ہیں؟",
            [
                "ہم {child_name} کے بارے میں بات کرنے کے لیے آپ سے ملنا چاہتے ہیں۔ آپ اپنے بچے "
                "کو سب سے بہتر جانتے ہیں، اور ہم آپ کی رائے سننا چاہتے ہیں۔ ہم اُن باتوں سے "
                "شروع کریں گے جو اچھی چل رہی ہیں۔",
                "کب: {meeting_when}\nکہاں: {meeting_place}",
                "ملاقات سے پہلے آپ یہاں بتا سکتے ہیں کہ آپ اس سے کیا امید رکھتے ہیں: {link}",
                "اگر یہ وقت آپ کے لیے ٹھیک نہیں، تو بس ہمیں بتا دیں۔ کوئی اور وقت بھی ٹھیک ہے۔ "
                "آپ کسی کو اپنے ساتھ لا سکتے ہیں۔",
            ],
            "{school_name} آپ کو {child_name} کے بارے میں ملاقات کی دعوت دیتا ہے: "
            "{meeting_when}، {meeting_place}۔ کوئی اور وقت بھی ٹھیک ہے، بس بتا دیں۔ آپ کیا "
            "امید رکھتے ہیں؟ {link} {staff_name}",
        ),
        "summary": (
            "{child_name} کے بارے میں ہم نے کیا طے کیا",
            [
                "ہم سے ملنے کا شکریہ ({meeting_when})۔ {child_name} کے بارے میں مل کر بات کرنا "
                "اچھا لگا۔",
                "ہم نے جو بات کی اور جو طے کیا، وہ آپ یہاں پڑھ سکتے ہیں: {link}",
                "اگر کوئی بات ٹھیک نہیں، یا آپ کچھ اور لکھنا چاہتے ہیں، تو وہاں ہمیں بتا سکتے ہیں۔",
            ],
            "{child_name} کے بارے میں ملاقات کا شکریہ۔ ہم نے جو طے کیا وہ یہاں پڑھیں: {link} "
            "{staff_name}، {school_name}",
        ),
        "step_reminder": (
            "{child_name} کے لیے ہمارے منصوبے کی یاد دہانی",
            [
                "یہ ایک قدم کی یاد دہانی ہے جو ہم نے {child_name} کے لیے مل کر طے کیا تھا:",
                "{step} ({step_due} تک)",
                "اگر یہ مشکل ہے، یا کچھ بدل گیا ہے، تو براہِ مہربانی ہمیں بتائیں۔ ہم مل کر کوئی "
                "اور راستہ ڈھونڈ لیں گے۔",
            ],
            "{school_name} کی طرف سے یاد دہانی، {child_name} کے لیے جو طے ہوا: {step} "
            "({step_due} تک)۔ اگر مشکل ہو تو بس بتا دیں۔ {staff_name}",
        ),
        "hear_from_you": (
            "ہم آپ کی رائے سننا چاہتے ہیں",
            [
                "ہم جاننا چاہتے ہیں کہ اسکول کے ساتھ آپ کے اور {child_name} کے لیے سب کیسا چل "
                "رہا ہے۔ کیا اچھا چل رہا ہے؟ کیا بہتر ہو سکتا ہے؟",
                "آپ یہاں چند منٹ میں بتا سکتے ہیں: {link}",
                "اگر آپ بات کرنا پسند کریں تو ہمیں فون کریں یا اسکول آ جائیں۔ جو آپ کے لیے "
                "آسان ہو۔",
            ],
            "{school_name} جاننا چاہتا ہے کہ {child_name} کے لیے سب کیسا چل رہا ہے۔ یہاں "
            "بتائیں: {link} {staff_name}",
        ),
        "free": (
            "{school_name} کی طرف سے پیغام",
            ["{words}"],
            "{school_name}: {words} {staff_name}",
        ),
    },
    "ro": {
        "good_news": (
            "Vești bune despre {child_name}",
            [
                "Avem o veste bună despre {child_name} și vrem să v-o spunem.",
                "{news}",
                "Vă mulțumim pentru tot ce faceți. Suntem foarte mândri!",
            ],
            "Vești bune de la {school_name} despre {child_name}: {news} De la {staff_name}",
        ),
        "invitation": (
            "Ne putem întâlni să vorbim despre {child_name}?",
            [
                "Am vrea să ne întâlnim cu dumneavoastră ca să vorbim despre {child_name}. "
                "Dumneavoastră vă cunoașteți copilul cel mai bine și vrem să aflăm ce credeți. "
                "Vom începe cu ce merge bine.",
                "Când: {meeting_when}\nUnde: {meeting_place}",
                "Înainte de întâlnire, ne puteți spune aici ce așteptați de la ea: {link}",
                "Dacă ora nu vă convine, spuneți-ne. O altă oră nu este nicio problemă. Puteți "
                "veni împreună cu cineva.",
            ],
            "{school_name} vă invită la o întâlnire despre {child_name}: {meeting_when}, "
            "{meeting_place}. Altă oră e în regulă, spuneți-ne. Ce așteptați? {link} "
            "De la {staff_name}",
        ),
        "summary": (
            "Ce am stabilit despre {child_name}",
            [
                "Vă mulțumim că v-ați întâlnit cu noi ({meeting_when}). Ne-a făcut plăcere să "
                "vorbim împreună despre {child_name}.",
                "Aici puteți citi despre ce am vorbit și ce am stabilit: {link}",
                "Dacă ceva nu este corect sau vreți să adăugați ceva, ne puteți spune acolo.",
            ],
            "Vă mulțumim pentru întâlnirea despre {child_name}. Citiți aici ce am stabilit: "
            "{link} De la {staff_name}, {school_name}",
        ),
        "step_reminder": (
            "Despre planul nostru pentru {child_name}",
            [
                "Vă amintim de un pas pe care l-am stabilit împreună pentru {child_name}:",
                "{step} (până la: {step_due})",
                "Dacă este greu sau s-a schimbat ceva, vă rugăm să ne spuneți. Găsim împreună "
                "o altă cale.",
            ],
            "{school_name} vă amintește ce am stabilit pentru {child_name}: {step} (până la: "
            "{step_due}). Dacă e greu, spuneți-ne. De la {staff_name}",
        ),
        "hear_from_you": (
            "Am vrea să aflăm părerea dumneavoastră",
            [
                "Am vrea să știm cum merg lucrurile cu școala pentru dumneavoastră și pentru "
                "{child_name}. Ce merge bine? Ce ar putea fi mai bine?",
                "Ne puteți spune aici, în câteva minute: {link}",
                "Dacă preferați să vorbim, sunați-ne sau veniți la școală. Cum vă este mai ușor.",
            ],
            "{school_name} vrea să afle cum merg lucrurile pentru {child_name}. Spuneți-ne "
            "aici: {link} De la {staff_name}",
        ),
        "free": (
            "Un mesaj de la {school_name}",
            ["{words}"],
            "{school_name}: {words} De la {staff_name}",
        ),
    },
    "uk": {
        "good_news": (
            "Гарна новина: {child_name}",
            [
                "Ми маємо гарну новину. Вона стосується: {child_name}.",
                "{news}",
                "Дякуємо вам за все, що ви робите. Ми дуже пишаємося!",
            ],
            "{school_name}: гарна новина ({child_name}). {news} {staff_name}",
        ),
        "invitation": (
            "Запрошення на зустріч ({child_name})",
            [
                "Ми хотіли б зустрітися з вами. Зустріч стосується: {child_name}. Ви знаєте "
                "свою дитину найкраще, і нам важлива ваша думка. Ми почнемо з того, що "
                "вдається добре.",
                "Коли: {meeting_when}\nДе: {meeting_place}",
                "До зустрічі ви можете написати тут, чого від неї очікуєте: {link}",
                "Якщо час вам не підходить, просто скажіть нам. Інший час — це нормально. Ви "
                "можете прийти з кимось.",
            ],
            "{school_name}: запрошуємо на зустріч ({child_name}): {meeting_when}, "
            "{meeting_place}. Інший час теж можливий. Чого ви очікуєте? {link} {staff_name}",
        ),
        "summary": (
            "Про що ми домовилися ({child_name})",
            [
                "Дякуємо за зустріч ({meeting_when}). Було добре поговорити разом. Розмова "
                "стосувалася: {child_name}.",
                "Тут можна прочитати, про що ми говорили і про що домовилися: {link}",
                "Якщо щось не так або ви хочете щось додати, напишіть нам там.",
            ],
            "{school_name}: дякуємо за зустріч ({child_name}). Про що ми домовилися: {link} "
            "{staff_name}",
        ),
        "step_reminder": (
            "Нагадування про наш план ({child_name})",
            [
                "Нагадуємо про крок, про який ми домовилися разом ({child_name}):",
                "{step} (до: {step_due})",
                "Якщо це важко або щось змінилося, будь ласка, скажіть нам. Разом ми знайдемо "
                "інший спосіб.",
            ],
            "{school_name}: нагадуємо, про що ми домовилися ({child_name}): {step} (до: "
            "{step_due}). Якщо це важко, скажіть нам. {staff_name}",
        ),
        "hear_from_you": (
            "Ми хочемо почути вашу думку",
            [
                "Нам важливо знати, як у вас справи зі школою ({child_name}). Що вдається "
                "добре? Що могло б бути краще?",
                "Ви можете написати нам тут, це займе кілька хвилин: {link}",
                "Якщо вам зручніше поговорити, зателефонуйте або приходьте. Як вам зручно.",
            ],
            "{school_name}: як у вас справи ({child_name})? Напишіть нам тут: {link} {staff_name}",
        ),
        "free": (
            "Повідомлення: {school_name}",
            ["{words}"],
            "{school_name}: {words} {staff_name}",
        ),
    },
    "gd": {
        "good_news": (
            "Deagh naidheachd mu dheidhinn {child_name}",
            [
                "Tha deagh naidheachd againn mu dheidhinn {child_name} a bu toigh leinn innse "
                "dhuibh.",
                "{news}",
                "Mòran taing airson na nì sibh. Tha sinn uabhasach moiteil.",
            ],
            "Deagh naidheachd bho {school_name} mu dheidhinn {child_name}: {news} {staff_name}",
        ),
        "invitation": (
            "Am b' urrainn dhuinn coinneachadh mu dheidhinn {child_name}?",
            [
                "Bu toigh leinn coinneachadh ribh gus bruidhinn mu dheidhinn {child_name}. "
                "'S sibhse as fheàrr a tha eòlach air ur pàiste, agus tha sinn airson ur "
                "beachdan a chluinntinn. Tòisichidh sinn leis na tha a' dol gu math.",
                "Cuin: {meeting_when}\nCàite: {meeting_place}",
                "Mus coinnich sinn, faodaidh sibh innse dhuinn an seo dè tha sibh an dòchas "
                "fhaighinn às a' choinneamh: {link}",
                "Mura h-eil an t-àm freagarrach dhuibh, dìreach innsibh dhuinn. Tha àm eile "
                "ceart gu leòr. Faodaidh sibh cuideigin a thoirt leibh.",
            ],
            "Bu toigh le {school_name} coinneachadh ribh mu dheidhinn {child_name}: "
            "{meeting_when}, {meeting_place}. Tha àm eile ceart gu leòr. Dè tha sibh an "
            "dòchas? {link} {staff_name}",
        ),
        "summary": (
            "Na dh'aontaich sinn mu dheidhinn {child_name}",
            [
                "Mòran taing airson coinneachadh rinn ({meeting_when}). Bha e math bruidhinn "
                "còmhla mu dheidhinn {child_name}.",
                "Faodaidh sibh leughadh an seo mu na bhruidhinn sinn agus na dh'aontaich sinn: "
                "{link}",
                "Ma tha rudeigin ceàrr, no ma tha sibh airson rudeigin a chur ris, faodaidh sibh "
                "innse dhuinn an sin.",
            ],
            "Mòran taing airson na coinneimh mu dheidhinn {child_name}. Leughaibh na "
            "dh'aontaich sinn an seo: {link} {staff_name}, {school_name}",
        ),
        "step_reminder": (
            "Cuimhneachan mun phlana againn airson {child_name}",
            [
                "Seo cuimhneachan càirdeil mu cheum a dh'aontaich sinn còmhla airson {child_name}:",
                "{step} (ro: {step_due})",
                "Ma tha e doirbh, no ma tha rudeigin air atharrachadh, innsibh dhuinn. Lorgaidh "
                "sinn dòigh eile còmhla.",
            ],
            "Cuimhneachan bho {school_name} mu na dh'aontaich sinn airson {child_name}: "
            "{step} (ro: {step_due}). Ma tha e doirbh, innsibh dhuinn. {staff_name}",
        ),
        "hear_from_you": (
            "Bu toigh leinn cluinntinn bhuaibh",
            [
                "Bu toigh leinn faighinn a-mach ciamar a tha cùisean a' dol leis an sgoil dhuibh "
                "fhèin agus do {child_name}. Dè tha a' dol gu math? Dè a dh'fhaodadh a bhith "
                "nas fheàrr?",
                "Faodaidh sibh innse dhuinn an seo, ann am beagan mhionaidean: {link}",
                "Mas fheàrr leibh bruidhinn, cuiribh fòn thugainn no thigibh a-steach. Ge b' e "
                "dè as fheàrr leibh.",
            ],
            "Bu toigh le {school_name} cluinntinn ciamar a tha cùisean a' dol do "
            "{child_name}. Innsibh dhuinn an seo: {link} {staff_name}",
        ),
        "free": (
            "Teachdaireachd bho {school_name}",
            ["{words}"],
            "{school_name}: {words} {staff_name}",
        ),
    },
    "cy": {
        "good_news": (
            "Newyddion da am {child_name}",
            [
                "Mae gennym ni newyddion da am {child_name} i'w rhannu gyda chi.",
                "{news}",
                "Diolch am bopeth rydych chi'n ei wneud. Rydyn ni'n falch iawn.",
            ],
            "Newyddion da gan {school_name} am {child_name}: {news} {staff_name}",
        ),
        "invitation": (
            "Allwn ni gwrdd i siarad am {child_name}?",
            [
                "Hoffen ni gwrdd â chi i siarad am {child_name}. Chi sy'n adnabod eich plentyn "
                "orau, ac rydyn ni eisiau clywed beth rydych chi'n ei feddwl. Byddwn ni'n "
                "dechrau gyda'r hyn sy'n mynd yn dda.",
                "Pryd: {meeting_when}\nBle: {meeting_place}",
                "Cyn i ni gwrdd, gallwch chi ddweud wrthon ni yma beth rydych chi'n gobeithio "
                "amdano: {link}",
                "Os nad yw'r amser yn gyfleus, dywedwch wrthon ni. Mae amser arall yn iawn. Mae "
                "croeso i chi ddod â rhywun gyda chi.",
            ],
            "Hoffai {school_name} gwrdd â chi am {child_name}: {meeting_when}, "
            "{meeting_place}. Mae amser arall yn iawn. Beth ydych chi'n gobeithio amdano? "
            "{link} {staff_name}",
        ),
        "summary": (
            "Beth wnaethon ni ei gytuno am {child_name}",
            [
                "Diolch am gwrdd â ni ({meeting_when}). Roedd hi'n dda siarad gyda'n gilydd am "
                "{child_name}.",
                "Gallwch chi ddarllen yma beth wnaethon ni siarad amdano a beth wnaethon ni ei "
                "gytuno: {link}",
                "Os oes rhywbeth ddim yn iawn, neu os ydych chi eisiau ychwanegu rhywbeth, "
                "gallwch chi ddweud wrthon ni yno.",
            ],
            "Diolch am y cyfarfod am {child_name}. Darllenwch beth wnaethon ni ei gytuno yma: "
            "{link} {staff_name}, {school_name}",
        ),
        "step_reminder": (
            "Nodyn atgoffa am ein cynllun ar gyfer {child_name}",
            [
                "Dyma nodyn cyfeillgar i'ch atgoffa am gam wnaethon ni ei gytuno gyda'n gilydd "
                "ar gyfer {child_name}:",
                "{step} (erbyn: {step_due})",
                "Os yw'n anodd, neu os oes rhywbeth wedi newid, dywedwch wrthon ni. Gallwn ni "
                "ddod o hyd i ffordd arall gyda'n gilydd.",
            ],
            "Nodyn atgoffa gan {school_name} am beth wnaethon ni ei gytuno ar gyfer "
            "{child_name}: {step} (erbyn: {step_due}). Os yw'n anodd, dywedwch wrthon ni. "
            "{staff_name}",
        ),
        "hear_from_you": (
            "Hoffen ni glywed gennych chi",
            [
                "Hoffen ni wybod sut mae pethau'n mynd gyda'r ysgol i chi ac i {child_name}. "
                "Beth sy'n mynd yn dda? Beth allai fod yn well?",
                "Gallwch chi ddweud wrthon ni yma, mewn ychydig funudau: {link}",
                "Os yw'n well gennych chi siarad, ffoniwch ni neu dewch i mewn. Beth bynnag sy'n "
                "gyfleus i chi.",
            ],
            "Hoffai {school_name} glywed sut mae pethau'n mynd i {child_name}. Dywedwch "
            "wrthon ni yma: {link} {staff_name}",
        ),
        "free": (
            "Neges gan {school_name}",
            ["{words}"],
            "{school_name}: {words} {staff_name}",
        ),
    },
}

KINDS = ["good_news", "invitation", "summary", "step_reminder", "hear_from_you", "free"]


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
    dependencies = [("reaching_out", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
