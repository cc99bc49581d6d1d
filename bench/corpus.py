"""The text of the benchmark's entries: word lists in Arabic, English and
French, and prose drawn from them.

Each list runs from the most to the least frequent word: prose draws from it
with Zipf weights, so full text sees a natural skew (a few words everywhere, a
long tail of rare ones). The three query words of the benchmark are in no list:
`plant` writes them into a known share of the entries, so their hit rates are
known in advance (tests/bench checks both).
"""

import random
import sys
from array import array
from bisect import bisect
from collections.abc import Sequence
from functools import cached_property
from itertools import accumulate
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def _words(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(text.split()))


def _phrases(text: str) -> tuple[str, ...]:
    """Phrases separated by "|" (a phrase may wrap onto the next line)."""
    return tuple(" ".join(phrase.split()) for phrase in text.split("|"))


# The benchmark's query words: each survives app.folding.tokens unchanged.
FREQUENT_WORD = "بيانات"  # "data"
RARE_WORD = "واحات"  # "oases"
ENGLISH_WORD = "irrigation"
FREQUENT_SHARE, RARE_SHARE, ENGLISH_SHARE = 0.45, 0.04, 0.10
# How the Arabic ones are written: bare or with the article, which folding
# drops («البيانات» and «للبيانات» are indexed as «بيانات»).
FREQUENT_FORMS = ("بيانات", "البيانات", "للبيانات")
RARE_FORMS = ("واحات", "الواحات")

PROSE_WORDS = {
    "ar": _words(
        """
في من على إلى الذكاء الاصطناعي مع التي تطوير منصة الخدمات الرقمية هذه خلال
الحكومية التعليم الصحة المواطنين الوطنية استخدام تقنيات التحول الرقمي بين
المعلومات الاتصالات التكنولوجيا المشروع المبادرة البرنامج تحسين جودة دعم تعزيز
القدرات الشباب المرأة الطلاب الجامعات المدارس المستشفيات المرضى الأطباء التشخيص
الطبي اللغة العربية معالجة النصوص الكلام الترجمة الآلية تعلم الآلة الشبكات
العصبية الرؤية الحاسوبية الزراعة المياه المحاصيل المناخ البيئة الطاقة المتجددة
المدن الذكية النقل المرور الأمن السيبراني الحماية الخصوصية الأخلاقيات الحوكمة
السياسات الاستراتيجية الإطار التنظيمي الشراكة القطاع الخاص العام المجتمع المدني
الابتكار ريادة الأعمال الشركات الناشئة الصغيرة المتوسطة التجارة الإلكترونية
الدفع المالية التوظيف سوق العمل المهارات التدريب الإقليمي الدولي التعاون الدول
المنطقة الريفية المناطق النائية الوصول الإنترنت الاتصال البنية التحتية السحابية
الحوسبة الخوارزميات النماذج التوليدية المساعد الافتراضي المحادثة الروبوتات
الأشياء المستشعرات الخرائط الجغرافية الأقمار الصناعية الاستشعار التنبؤ التحليل
المؤشرات التقارير الشفافية المساءلة المشاركة المحتوى الثقافي التراث المكتبات
الأرشيف الإعلام الأخبار المضللة الصحفيين الإعاقة الأطفال اللاجئين المزارعين
الصيادين العاملين الموظفين الإدارة الإجراءات المعاملات الهوية التوقيع الجودة
الكفاءة الاستدامة التنمية الشاملة الفجوة الأمية المتعلمين المعلمين المناهج
الامتحانات التقييم المتابعة التنفيذ النتائج الأثر المستفيدين الميدانية التجريبية
المرحلة الأولى الثانية توسيع نطاق تعميم التطبيق الهاتف المحمول الموقع البوابة
الموحدة الطلبات الشكاوى الاستجابة السريعة الطوارئ الكوارث الفيضانات الجفاف
التصحر الغابات التنوع البيولوجي الصيد الأسماك الموانئ الشحن اللوجستية السياحة
الفنادق الطيران الكهرباء الشبكة العدادات الاستهلاك الترشيد الوقود النفط الغاز
المعادن التعدين المصانع الإنتاج الصيانة التنبؤية الرقابة التفتيش الجمارك الضرائب
الميزانية الإنفاق الشراء العمومي الصفقات النزاهة الفساد العدالة المحاكم القضايا
التشريعات القوانين التنظيم المعايير المواصفات الاعتماد الشهادات الرخص
"""
    ),
    "en": _words(
        """
the of and to in for a with on by artificial intelligence digital platform
services public national data learning machine system government health
education citizens development access users model models project initiative
programme support improve quality capacity youth women students universities
schools hospitals patients doctors diagnosis medical Arabic language processing
text speech translation neural networks computer vision agriculture water crops
climate environment energy renewable smart cities transport traffic security
cybersecurity privacy protection ethics governance policy strategy framework
regulatory partnership private sector society innovation entrepreneurship
startups small medium enterprises commerce electronic payments finance
employment labour market skills training regional international cooperation
countries region rural areas remote internet connectivity infrastructure cloud
computing algorithms generative assistant virtual chatbot robotics sensors maps
geospatial satellite sensing forecasting analysis indicators reports
transparency accountability participation content cultural heritage libraries
archives media news misinformation journalists disability children refugees
farmers fishers workers staff administration procedures transactions identity
signature efficiency sustainability inclusive divide literacy learners teachers
curricula exams assessment monitoring implementation results impact
beneficiaries field pilot phase first second scale deployment application mobile
phone website portal unified requests complaints response rapid emergency
disasters floods drought desertification forests biodiversity fishing ports
shipping logistics tourism aviation electricity grid meters consumption fuel oil
gas mining factories production maintenance predictive inspection customs taxes
budget spending procurement integrity justice courts legislation standards
certification licences
"""
    ),
    "fr": _words(
        """
de la le des et les en pour du un une avec sur par intelligence artificielle
numérique plateforme services publics nationale données apprentissage
automatique système gouvernement santé éducation citoyens développement accès
utilisateurs modèle modèles projet initiative programme soutien améliorer
qualité capacités jeunes femmes étudiants universités écoles hôpitaux patients
médecins diagnostic médical arabe langue traitement texte parole traduction
réseaux neuronaux vision ordinateur agriculture eau cultures climat
environnement énergie renouvelable villes intelligentes transport circulation
sécurité cybersécurité vie privée protection éthique gouvernance politique
stratégie cadre réglementaire partenariat secteur privé société innovation
entrepreneuriat pousses petites moyennes entreprises commerce électronique
paiements finance emploi travail marché compétences formation régionale
internationale coopération pays région rurales zones isolées internet
connectivité infrastructure nuage calcul algorithmes génératifs assistant
virtuel agent conversationnel robotique capteurs cartes géospatiales satellite
télédétection prévision analyse indicateurs rapports transparence redevabilité
participation contenu culturel patrimoine bibliothèques archives médias
informations désinformation journalistes handicap enfants réfugiés agriculteurs
pêcheurs travailleurs personnel administration procédures transactions identité
signature efficacité durabilité inclusive fracture alphabétisation apprenants
enseignants programmes examens évaluation suivi mise œuvre résultats impact
bénéficiaires terrain pilote phase première deuxième échelle déploiement
application mobile téléphone site portail unifié demandes plaintes réponse
rapide urgence catastrophes inondations sécheresse désertification forêts
biodiversité pêche ports logistique tourisme aviation électricité réseau
compteurs consommation carburant pétrole gaz mines usines production maintenance
prédictive inspection douanes impôts budget dépenses achats intégrité justice
tribunaux législation
"""
    ),
}

# Titles: a head, a subject and a setting, the same three in each language.
TITLE_PARTS = {
    "ar": (
        _phrases(
            """
منصة وطنية | نظام ذكي | مبادرة إقليمية | برنامج | مرصد | مختبر | مشروع | تطبيق |
استراتيجية | شبكة
"""
        ),
        _phrases(
            """
للتشخيص المبكر | لمراقبة المحاصيل | للتعرف على الكلام العربي | لتقديم الخدمات
العامة | للتعليم عن بعد | لإدارة المياه | للكشف عن الأخبار المضللة | للتوظيف
الذكي | لحماية الخصوصية | للترجمة الآلية | للتنبؤ بالطلب على الكهرباء | لرقمنة
التراث
"""
        ),
        _phrases(
            """
في المناطق الريفية | لفائدة الشباب | في المستشفيات العمومية | في المدارس |
للمؤسسات الصغيرة | في المدن الكبرى | على المستوى الوطني | في المنطقة العربية
"""
        ),
    ),
    "en": (
        _phrases(
            """
National platform for | Smart system for | Regional initiative on | Programme
for | Observatory of | Laboratory for | Open tools for | Mobile application for
| Strategy for | Network for
"""
        ),
        _phrases(
            """
early diagnosis | crop monitoring | Arabic speech recognition | public service
delivery | distance learning | water management | misinformation detection | job
matching | privacy protection | machine translation | electricity demand
forecasting | heritage digitisation
"""
        ),
        _phrases(
            """
in rural areas | for young people | in public hospitals | in schools | for small
businesses | in large cities | at national level | across the Arab region
"""
        ),
    ),
    "fr": (
        _phrases(
            """
Plateforme nationale de | Système intelligent de | Initiative régionale de |
Programme de | Observatoire de | Laboratoire de | Outils ouverts de |
Application mobile de | Stratégie de | Réseau de
"""
        ),
        _phrases(
            """
diagnostic précoce | suivi des cultures | reconnaissance de la parole arabe |
services publics en ligne | enseignement à distance | gestion de l'eau |
détection de la désinformation | mise en relation pour l'emploi | protection de
la vie privée | traduction automatique | prévision de la demande électrique |
numérisation du patrimoine
"""
        ),
        _phrases(
            """
en zone rurale | pour les jeunes | dans les hôpitaux publics | dans les écoles |
pour les petites entreprises | dans les grandes villes | au niveau national |
dans la région arabe
"""
        ),
    ),
}

# Organisations: a kind by entity type code (unknown codes: "other"), a field.
ORGANIZATION_KINDS = {
    "ar": {
        "government": _phrases(
            "وزارة | الهيئة الوطنية | الوكالة الوطنية | المجلس الأعلى"
        ),
        "academia": _phrases("جامعة | المعهد العالي | مركز البحوث"),
        "private_sector": _phrases("شركة | مختبرات | مجموعة"),
        "civil_society": _phrases("جمعية | مؤسسة | شبكة"),
        "international_organization": _phrases("المنظمة الإقليمية | المكتب الإقليمي"),
        "other": _phrases("مبادرة | تحالف"),
    },
    "en": {
        "government": _phrases(
            "Ministry of | National Authority for | National Agency for"
        ),
        "academia": _phrases("University Institute of | Research Centre for"),
        "private_sector": _phrases("Company for | Labs for | Group for"),
        "civil_society": _phrases("Association for | Foundation for | Network for"),
        "international_organization": _phrases(
            "Regional Organization for | Office for"
        ),
        "other": _phrases("Initiative for | Alliance for"),
    },
    "fr": {
        "government": _phrases(
            "Ministère de | Autorité nationale de | Agence nationale de"
        ),
        "academia": _phrases("Institut supérieur de | Centre de recherche en"),
        "private_sector": _phrases("Société de | Laboratoires de | Groupe de"),
        "civil_society": _phrases("Association pour | Fondation pour | Réseau pour"),
        "international_organization": _phrases("Organisation régionale de | Bureau de"),
        "other": _phrases("Initiative pour | Alliance pour"),
    },
}
ORGANIZATION_FIELDS = {
    "ar": _phrases(
        """
الاقتصاد الرقمي | الصحة | التربية والتعليم | تكنولوجيا المعلومات | الفلاحة |
الطاقة | البحث العلمي | الأمن السيبراني | الإحصاء | الثقافة
"""
    ),
    "en": _phrases(
        """
Digital Economy | Health | Education | Information Technology | Agriculture |
Energy | Scientific Research | Cybersecurity | Statistics | Culture
"""
    ),
    "fr": _phrases(
        """
l'Économie numérique | la Santé | l'Éducation | Technologies de l'information |
l'Agriculture | l'Énergie | la Recherche scientifique | la Cybersécurité | la
Statistique | la Culture
"""
    ),
}

KEYWORDS = {
    "ar": _phrases(
        """
الذكاء الاصطناعي | التحول الرقمي | الحكومة الإلكترونية | الصحة الرقمية | التعليم
الإلكتروني | معالجة اللغة العربية | الزراعة الذكية | المدن الذكية | الأمن
السيبراني | الحوسبة السحابية | إنترنت الأشياء | الشمول المالي
"""
    ),
    "en": _phrases(
        """
artificial intelligence | digital transformation | e-government | digital health
| e-learning | Arabic NLP | smart farming | smart cities | cybersecurity | cloud
computing | internet of things | financial inclusion
"""
    ),
    "fr": _phrases(
        """
intelligence artificielle | transformation numérique | administration en ligne |
santé numérique | e-apprentissage | traitement de l'arabe | agriculture
intelligente | villes intelligentes | cybersécurité | informatique en nuage |
internet des objets | inclusion financière
"""
    ),
}

FIRST_NAMES = _words(
    "amal karim salma omar leila youssef nour hassan rania mehdi sara khaled "
    "fatima ali ines walid mariam samir hind tarek"
)
LAST_NAMES = _words(
    "benali haddad mansour saleh nasser khalil rahman aziz farouk hamdi "
    "idrissi jaber karam lahlou mahmoud najjar obeid qasim rashid zayed"
)
# Fictional addresses only: the entries are made up.
EMAIL_DOMAINS = ("example.org", "example.gov", "example.edu", "example.com")

# Benchmark realism, not taxonomy: the order in which terms are most often
# filed. Codes missing here (a term added later) rank after the listed ones.
COUNTRY_POPULARITY = _words(
    "EG SA AE MA TN JO QA DZ OM LB BH KW IQ PS SD LY MR SY YE DJ SO KM"
)
ACTION_LINE_POPULARITY = _words(
    "C7.1 C7.4 C7.3 C4 C7.2 C3 C7.7 C6 C5 C7.6 C2 C10 C7.5 C1 C7.8 C8 C11 C9 C7"
)
SDG_POPULARITY = (9, 4, 3, 8, 17, 11, 16, 5, 10, 2, 13, 6, 7, 1, 12, 15, 14)


# --- drawing ---------------------------------------------------------------------


class Zipf(Generic[T]):
    """A weighted draw over ranked items: the k-th is 1/k**s as likely as the first."""

    def __init__(self, items: Sequence[T], exponent: float = 1.0) -> None:
        self.items = list(dict.fromkeys(items))
        self.weights = [1 / rank**exponent for rank in range(1, len(self.items) + 1)]
        self.cum_weights = list(accumulate(self.weights))
        self.total = self.cum_weights[-1]

    @cached_property
    def table(self) -> list[T]:
        """For long draws: 2**16 slots, each item in proportion to its weight
        (at least one), indexed by random 16-bit numbers."""
        slots = [max(1, round(w / self.total * 65_536)) for w in self.weights]
        slots[0] += 65_536 - sum(slots)
        return [
            item for item, n in zip(self.items, slots, strict=True) for _ in range(n)
        ]

    def one(self, rng: random.Random) -> T:
        position = bisect(self.cum_weights, rng.random() * self.total)
        return self.items[min(position, len(self.items) - 1)]

    def some(self, rng: random.Random, count: int) -> list[T]:
        """`count` distinct items (at most all of them), the likelier ones first."""
        chosen: dict[T, None] = {}
        while len(chosen) < min(count, len(self.items)):
            chosen[self.one(rng)] = None
        return list(chosen)

    def many(self, rng: random.Random, count: int) -> list[T]:
        """`count` items, repeats allowed (fast: one call for all the randomness)."""
        positions = array("H", rng.randbytes(2 * count))
        if sys.byteorder == "big":
            positions.byteswap()  # the same draws on every machine
        return list(map(self.table.__getitem__, positions))


LANGUAGES = ("ar", "en", "fr")
PROSE = {lang: Zipf(words) for lang, words in PROSE_WORDS.items()}
KEYWORD_DRAWS = {lang: Zipf(words, 0.7) for lang, words in KEYWORDS.items()}


def prose(
    rng: random.Random, lang: str, count: int, planted: Sequence[str] = ()
) -> str:
    """`count` words in sentences of 8-16 and paragraphs of 5 sentences, with
    the `planted` words at random places."""
    words = PROSE[lang].many(rng, count)
    for word in planted:
        words.insert(rng.randrange(len(words) + 1), word)
    sentences: list[str] = []
    start = 0
    while start < len(words):
        part = words[start : start + rng.randint(8, 16)]
        start += len(part)
        if lang != "ar":
            part[0] = part[0].capitalize()
        sentences.append(" ".join(part) + ".")
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    return "\n\n".join(paragraphs)


def plant(rng: random.Random) -> dict[str, list[str]]:
    """The query words an entry carries, by language, each in its share."""
    planted: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    if rng.random() < FREQUENT_SHARE:
        planted["ar"].append(rng.choice(FREQUENT_FORMS))
    if rng.random() < RARE_SHARE:
        planted["ar"].append(rng.choice(RARE_FORMS))
    if rng.random() < ENGLISH_SHARE:
        planted["en"].append(ENGLISH_WORD)
    return planted


class Texts:
    """An entry's free text: `fields[lang][name]` (title, summary, ...), keywords."""

    def __init__(self, rng: random.Random) -> None:
        """Draw them. Mostly Arabic; a title in each given language, a summary
        in the original language and most translations, a description in the
        original language (sometimes English too), impact and challenges half
        the time. A planted word goes into the longest text of its language, or
        among the keywords when the entry has no text in that language."""
        self.original = rng.choices(LANGUAGES, weights=(70, 20, 10))[0]
        shares = {"ar": 0.6, "en": 0.7, "fr": 0.25}
        given = [
            lang
            for lang in LANGUAGES
            if lang == self.original or rng.random() < shares[lang]
        ]
        title = [rng.randrange(len(part)) for part in TITLE_PARTS["en"]]
        planted = plant(rng)
        self.fields: dict[str, dict[str, str]] = {}
        for lang in given:
            parts = TITLE_PARTS[lang]
            fields = {
                "title": " ".join(p[i] for p, i in zip(parts, title, strict=True))
            }
            summarised = lang == self.original or rng.random() < 0.6
            described = lang == self.original or (lang == "en" and rng.random() < 0.3)
            if summarised:
                words = [] if described else planted[lang]
                fields["summary"] = prose(rng, lang, rng.randint(30, 80), words)
            if described:
                words = planted[lang]
                fields["description"] = prose(rng, lang, rng.randint(100, 300), words)
            if summarised or described:
                planted[lang] = []
            self.fields[lang] = fields
        for name in ("impact", "challenges"):
            if rng.random() < 0.5:
                count = rng.randint(20, 60)
                self.fields[self.original][name] = prose(rng, self.original, count)
        self.keywords = KEYWORD_DRAWS[self.original].some(rng, rng.randint(2, 6))
        self.keywords += [word for words in planted.values() for word in words]

    def localized(self, name: str) -> dict[str, Any]:
        """Field `name` in the languages it is given in."""
        return {lang: f[name] for lang, f in self.fields.items() if name in f}
