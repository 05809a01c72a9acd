package story

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// The lexicon is general news vocabulary, not a list of any data set's
// names: names and places are matched by transliteration and skeletons
// (translit.go), never listed here. What transliteration cannot bridge is
// common vocabulary with different roots in English, Russian and Ukrainian
// (землетрясение/землетрус/earthquake), so the glossary maps such words onto
// one English concept key. It covers the usual domains of wire news: war
// and security, politics and courts, economy and markets, disasters,
// technology, science, health and sport.

// glossaryText: one concept per line,
//
//	concept[+concept][@family]: english words | cyrillic prefixes | cyrillic exact forms
//
// A family groups the kinds of one sort of event (weapons, disasters,
// diplomatic contacts): a missile strike and a drone attack, or a phone call
// and a meeting, are different events even when they share every name
// (see Grouper.conflict). English words are stemmed like article text; Cyrillic prefixes match the
// start of a lowercase word (at least four letters), exact forms the whole
// word (for short or ambiguous roots).
const glossaryText = `
earthquake@disaster: earthquake quake tremor temblor seismic | землетряс землетрус сейсм толчк поштовх |
flood@disaster: flood flooding inundate inundation deluge | наводнен паводк повен повін затоп подтоп |
rain: rain rainfall downpour | дожд ливн злив дощ опади осадк |
storm@disaster: storm hurricane typhoon cyclone | шторм ураган тайфун циклон |
wildfire@disaster: wildfire bushfire |  |
fire: fire blaze ablaze burn burning | пожар пожеж горит горіт горят загорел загоріл спалах возгоран |
volcano@disaster: volcano eruption erupt | вулкан извержен вивержен |
landslide@disaster: landslide mudslide | оползн зсув сель |
tsunami: tsunami | цунами |
evacuate: evacuate evacuation evacuee | эвакуа евакуа |
rescue: rescue rescuer | спасат спасен рятувал рятуван |
victim+kill: victim | жертв |
kill: kill killed dead death die died toll fatality deadly | погиб загин убит убил вбит вбив смерт гибел загибел |
injure: injure injured wound wounded hurt injury | ранен ранил поранен пострадав постраждал травм |
missing: missing | пропавш зник безвест |
missile@weapon: missile rocket | ракет |
drone@weapon: drone uav | беспилотн безпілотн дрон бпла |
strike: strike attack hit raid barrage | удар атак налет наліт бомбардир |
shelling@weapon: shelling artillery shell | обстрел обстріл артиллер артилер |
bomb@weapon: bomb bombing | бомб авиабомб авіабомб |
explosion: explosion blast explode | взрыв вибух |
shoot: shoot shot gunfire gunman | стрельб стріля стреля |
intercept: intercept shoot down | перехват перехоп сбит сбил збит збив |
airdefence: air-defence | противовоздуш протиповітр | пво ппо |
soldier: soldier troop serviceman servicemen | военнослуж військовослуж солдат бойц боєц воїн |
military: military army armed | армия армии армией армій військ военн вооружен збройн |
war: war warfare | войн війн |
weapon: weapon arms munition | оруж зброя зброї зброю вооружен боеприп боєприп |
prisoner: prisoner pow captive captivity | плен полон заключен военноплен військовополон |
exchange: exchange swap | обмен обмін |
intelligence: intelligence | разведк розвідк |
ceasefire: ceasefire truce armistice | перемир прекращение огня |
negotiation: talks negotiation negotiate negotiator | переговор перемовин |
border: border frontier | границ кордон пригранич прикордон |
sanction: sanction | санкц |
nuclear: nuclear atomic | ядерн атомн |
ship: ship vessel boat tanker carrier freighter | судн корабл танкер балкер сухогруз |
aircraft: aircraft plane jet warplane bomber | самолет самолёт літак авиац авіац бомбардировщ бомбардувальн ракетонос |
helicopter: helicopter | вертол гелікоп |
invasion: invasion invade | вторжен вторгн вторгл |
destroy: destroy destruction destroyed | уничтож зруйн разруш знищ |
damage: damage damaged | поврежд пошкод |
building: building apartment | здани будин будівл многоэтаж багатоповерх жил | дом дома доме домов |
child: child children kid | ребен ребён дитин дітей діти детей дети детьми |
civilian: civilian | мирн цивил цивіл |
region: region province oblast | област облас регион регіон губерн провинц провінц |
city: city town | город | місто міста місті містом міст |
capital: capital | столиц |
governor: governor | губернатор |
mayor: mayor | мэр мэри | мер мера мером |
authority: authorities official | власт влад чиновн посадов |
ministry: ministry | министерств міністерств ведомств відомств |
ministry+defence: | минобор мінобор |
ministry+foreign: | | мид мзс |
defence: defence defense | оборон |
foreign: foreign | иностран зарубеж закордон іноземн |
president: president presidential | президент |
prime: prime premier | премьер премєр прем'єр |
government: government cabinet administration | правительств уряд кабмин кабмін администрац адміністрац |
parliament: parliament legislature lawmaker legislator | парламент депутат | рада раді радою дума думы думе |
election: election vote poll ballot voter electoral | выбор вибор голосов голосув избира виборц |
party: party | парти партій |
protest: protest rally demonstration demonstrator protester | протест митинг мітинг демонстрант манифест |
police: police policeman | полиц поліц силовик |
riot: riot | беспоряд безлад |
arrest: arrest detain detention detained | задерж арест затрим |
court: court judge tribunal | судь суди суду судом судеб | суд суда суде суді |
sentence: sentence verdict convict | приговор вирок осужд засуд |
prison: prison jail | тюрьм тюрем колони вязниц |
law: law bill legislation | закон законопроект |
sign: sign signed signing | подпис підпис |
agreement: agreement deal accord pact treaty | соглашен договор угод сделк |
meeting@contact: meeting meet met | встреч зустріч заседан засідан |
summit: summit | саммит саміт |
phone@contact: phone telephone | телефон позвон дзвон |
conversation: conversation | разговор розмов |
visit@contact: visit tour | визит візит посети посетил відвіда |
leader: leader | лидер лідер |
resign: resign resignation quit | отставк відставк |
corruption: corruption graft bribe bribery kickback embezzlement | коррупц корупц взятк хабар откат відкат хищен розкрад |
investigation: investigation probe inquiry investigator detective | расследов розслідув следств слідств следовател слідч |
search: search searched | обыск обшук |
accuse: accuse accusation allege | обвин звинув |
deny: deny denial reject refute dismiss | опроверг отрица спростув заперечу |
condemn: condemn condemnation | осуди осуджу засуди |
warn: warn warning | предупред попередж |
threat: threat threaten | угроз загроз |
provocation: provocation provoke | провокац |
economy: economy economic | экономи економі |
inflation: inflation | инфляц інфляц |
rate: rate | ставк |
interest: interest | процентн відсотков |
central: central | центральн |
cut: cut lower reduce trim slash | сниз сниж знизи зниж сократ скорот |
raise: raise hike increase boost | повыс повыш підвищ увелич збільш |
unchanged: unchanged | неизмен незмін |
point: point | пункт |
basis: basis | базисн |
oil: oil crude petroleum | нефт нафт |
gas: gas | газ |
production: production output produce | добыч видобут производств виробництв |
price: price | цена цены ценам ценами ценах ціна ціни цінами | цен цін |
market: market | рынок рынк ринок ринк |
stock: shares stock equity | котировк |
export: export | экспорт експорт |
import: import | импорт імпорт |
tariff: tariff levy | пошлин тариф | мито мита мит |
steel: steel | сталелит сталев | сталь стали сталью |
aluminum: aluminum aluminium | алюмин алюмін |
metal: metal | металл метал |
budget: budget | бюджет |
spending: spending expenditure | расход видатк |
debt: debt borrowing | долг борг заимств запозич |
trade: trade | торгов торгівл |
fine: fine penalty | штраф |
company: company firm | компани компані |
euro: euro | евро євро |
dollar: dollar | доллар долар |
rouble: rouble ruble | рубл |
currency: currency | валют |
bank: bank | банк |
central+bank: | | цб нбу |
bond: bond | облигац облігац |
recession: recession stagnation | рецесс стагнац |
outage: outage disruption glitch failure | сбой збій отключен відключен перебо |
cloud: cloud | облачн облак хмарн |
chip: chip semiconductor | чип полупровод напівпровід |
processor: processor accelerator | процессор процесор ускорител прискорюв |
ai: ai artificial-intelligence | искусственн штучн | ии ші |
internet: internet online | интернет інтернет |
hack: hack hacker cyberattack | хакер кибер кібер |
launch: launch liftoff | запуск пуск старт стартов |
satellite: satellite | спутник супутник |
space: space orbit | космос космич космічн орбит орбіт |
station: station | станци станці |
astronaut: astronaut cosmonaut taikonaut | космонавт астронавт тайконавт |
crew: crew | экипаж екіпаж |
scientist: scientist researcher | учен учён науков исследоват дослідн |
antibiotic: antibiotic | антибиот антибіот |
bacteria: bacteria bacterium | бактер |
vaccine: vaccine vaccination | вакцин |
disease: disease outbreak epidemic | болезн хвороб эпидем епідем вспышк спалах |
hospital: hospital | больниц госпитал лікарн шпитал |
doctor: doctor | врач лікар |
marathon: marathon | марафон |
match: match | матч |
win: win victory beat winner | побед перемог выигра виграв |
champion: champion championship | чемпион чемпіон |
record: record | рекорд |
league: league | лига лиги лігу ліги |
goal: goal | гол гола голы голи |
team: team squad | команд збірн сборн |
coach: coach | тренер |
player: player | игрок гравц |
opposition: opposition | оппозиц опозиц |
coalition: coalition | коалиц коаліц |
embassy: embassy | посольств |
ambassador: ambassador envoy | посол посла послом |
refugee: refugee | беженц біженц |
humanitarian: humanitarian | гуманитар гуманітар |
aid: aid assistance help relief | помощ допомог |
food: food | продовольств продукт | еда їжа |
famine: famine hunger starvation | голод |
water: water | вода воды воду водой вод |
energy: energy electricity | энерг енерг электроэнерг електроенерг электричеств |
plant: plant | электростанц електростанц |
substation: substation | подстанц підстанц |
grain: grain | зерн |
wheat: wheat | пшениц |
corn: corn maize | кукуруз |
port: port harbour harbor | морпорт | порт порта порту портом порты портов портах |
airport: airport | аэропорт аеропорт |
flight: flight | рейс полет полёт політ |
airline: airline | авиакомпан авіакомпан |
railway: railway railroad train | поезд потяг железнодор залізнич |
bridge: bridge | мост |
road: road highway | дорог шоссе трас |
school: school | школ |
university: university | университет університет |
church: church | церк |
journalist: journalist reporter editor | журналист журналіст редактор |
media: media newspaper | газет | сми |
hostage: hostage | заложник заручник |
terrorism: terrorism terrorist | террор терор |
coup: coup | переворот |
drill: drill exercise manoeuvre maneuver war-game | учени навчан маневр |
blockade: blockade | блокад |
navy: navy naval | флот | вмс |
test: test trial | испыта випробув |
intercontinental: intercontinental icbm | межконтинент міжконтинент |
ballistic: ballistic | баллист баліст |
hypersonic: hypersonic | гиперзвук гіперзвук |
sky+air: airspace sky | воздушн повітрян | небо неба небе небі |
territory: territory | территор територ |
union: union alliance | союз |
kremlin: kremlin | кремл |
capture: capture seize | захват захоп |
withdraw: withdraw withdrawal retreat | отступ отход відступ |
`

// gazetteerText lists countries, capitals and international bodies whose
// Russian and Ukrainian names are not transliterations of the English ones
// (Грузия/Georgia, Пекин/Beijing, КНДР/DPRK). Names that transliterate
// (Украина, Тайвань, Минск) need no entry. Same format as glossaryText;
// these keys count as names.
const gazetteerText = `
usa: us usa america american | америк | сша |
britain: uk britain british | британ великобритан |
eu: eu european-union | евросоюз євросоюз | ес єс |
un: un united-nations | | оон |
imf: imf | | мвф |
who: | | воз вооз |
germany: germany german | германи немец немецк німеччин німецьк |
france: france french | франци француз |
china: china chinese prc | китай китаю китая китае китайск | кнр |
japan: japan japanese | япони японск |
korea: korea korean | коре корей |
korea+dprk: dprk | | кндр |
pyongyang: pyongyang | пхеньян |
georgia: georgia georgian | грузи грузин |
hungary: hungary hungarian | венгр угорщин угорськ |
poland: poland polish | польш польск польщ |
greece: greece greek | греци греческ греці грецьк |
turkey: turkey turkish turkiye | турци турецк туреччин турецьк |
finland: finland finnish | финлянд финск фінлянд фінськ |
sweden: sweden swedish | швеци шведск швеці шведськ |
norway: norway norwegian | норвеги норвезьк норвегі |
netherlands: netherlands dutch holland | нидерланд голланд нідерланд |
czech: czech czechia | чехи чешск чеськ |
switzerland: switzerland swiss | швейцар |
austria: austria austrian | австри австрі |
spain: spain spanish | испани испанск іспан |
italy: italy italian | итали італі |
egypt: egypt egyptian | египет египт єгипт |
saudi: saudi | саудовск саудівськ |
uae: uae emirates emirati | эмират емірат | оаэ оае |
lithuania: lithuania lithuanian | литв литов |
latvia: latvia latvian | латви латвій |
azerbaijan: azerbaijan azerbaijani | азербайджан |
beijing: beijing | пекин пекін |
moscow: moscow | москв |
vienna: vienna | | вена вене вены відень відні |
geneva: geneva | женев |
prague: prague | | прага праге праги празі |
`

// Number words that outlets write out where others use digits ("nine
// killed", "дев'ятеро загиблих"): tolls must match across styles.
var numberWords = map[string]string{
	"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
	"eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
	"dozen": "12", "twenty": "20", "hundred": "100", "thousand": "1000",
	"два": "2", "две": "2", "двух": "2", "двум": "2", "двумя": "2", "двое": "2",
	"три": "3", "трех": "3", "трёх": "3", "трем": "3", "тремя": "3", "трое": "3",
	"четыре": "4", "четырех": "4", "четырёх": "4", "четверо": "4",
	"пять": "5", "пяти": "5", "пятеро": "5", "шесть": "6", "шести": "6", "шестеро": "6",
	"семь": "7", "семи": "7", "семеро": "7", "восемь": "8", "восьми": "8", "восьмеро": "8",
	"девять": "9", "девяти": "9", "девятеро": "9", "десять": "10", "десяти": "10", "десятеро": "10",
	"одиннадцать": "11", "двенадцать": "12",
	"дві": "2", "двох": "2", "двом": "2", "двоє": "2", "трьох": "3", "троє": "3",
	"чотири": "4", "чотирьох": "4", "пятьох": "5", "шість": "6", "шістьох": "6",
	"сім": "7", "сімох": "7", "вісім": "8", "вісьмох": "8", "девятьох": "9",
	"десятьох": "10", "одинадцять": "11", "дванадцять": "12",
}

// Multipliers after a number ("206 тысяч", "1.8 billion", "€1.8bn").
var multipliers = map[string]float64{
	"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6,
	"billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
	"тыс": 1e3, "тысяча": 1e3, "тысячи": 1e3, "тысяч": 1e3, "тис": 1e3, "тисяча": 1e3,
	"тисячі": 1e3, "тисяч": 1e3, "млн": 1e6, "миллион": 1e6, "миллиона": 1e6,
	"миллионов": 1e6, "мільйон": 1e6, "мільйона": 1e6, "мільйонів": 1e6,
	"млрд": 1e9, "миллиард": 1e9, "миллиарда": 1e9, "миллиардов": 1e9,
	"мільярд": 1e9, "мільярда": 1e9, "мільярдів": 1e9, "трлн": 1e12,
}

const stopText = `
a an the and or but nor of in on at to for from by with as is are was were be been being am
has have had having it its it's this that these those which who whom whose what when where
while after before over under about into onto than then there their theirs they them he she
his her hers him we our ours us you your i me my not no will would could should can cannot may
might must shall also more most less least some any such said says say saying told tell according
up out all other another its one just only even still again since until till during amid amidst
despite against between through throughout per via if so do does did done doing yet both each
few many much own same very now here how why because although though around near off ago s t
mr mrs ms dr day days week weeks month months year years today tonight yesterday tomorrow
monday tuesday wednesday thursday friday saturday sunday weekend overnight morning evening
afternoon night early late earlier later am pm gmt utc time times people including include
includes included like well way whether within without among along across toward towards
upon onto next last new first second third former latest another make makes made get gets got
take takes took come comes came go goes went going see seen saw know known think want need use
used using say says back set put give gave given keep kept call called calls show shows showed
shown part parts number lot lots something nothing anything everything someone anyone
where whereas however therefore thus meanwhile further furthermore moreover
` + `
и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только
ее её мне было вот от меня еще ещё нет о об из ему теперь когда даже ну ли если уже или ни
быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где
есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж
тогда кто этот того потому этого какой совсем ним здесь этом почти мой тем чтобы нее были
куда зачем всех никогда можно при наконец другой хоть после над больше тот через эти нас
про всего них какая много разве эту моя впрочем хорошо свою этой перед иногда лучше чуть том
нельзя такой им более всегда конечно всю между это также заявил заявила заявили заявило
сообщил сообщила сообщили сообщило сообщает сообщают сообщается словам данным говорится
отметил отметила отметили ранее году года год лет ночью утром вечером днем днём сегодня
вчера завтра накануне время который которая которое которые которого которой котором которых
которым свой своих своей своим своего пока именно около менее понедельник вторник среда среду
четверг пятница пятницу суббота субботу воскресенье этим этих этому весь вся всем всеми
числе том том также уже ещё стало стали стал будут является заявление заявлении
` + `
і й та в у на з із зі до від за по про для що як це цей ця ці цього цієї цим цих той ті
його її їх він вона воно вони ми ви я не ні так але а або чи же би б вже ще також тому бо
коли де який яка яке які якого якої яких якому яким якій був була було були буде будуть є
бути після під над між через перед при без повідомив повідомила повідомили повідомило
повідомляє повідомляють заявив заявила заявили заявило даними словами зазначив зазначила
році року рік років вночі уранці вранці ввечері сьогодні вчора завтра напередодні понеділок
вівторок середа середу четвер пятниця пятницю субота суботу неділя неділю свій своїх своєї
своїм свого наразі поки близько більше менше тобто щодо серед усі всі усіх всіх має мають
`

// Title phrases that mark items about many events at once: live blogs,
// round-ups, results tables, columns. Such items only join a story on much
// stronger evidence (see Options.DigestPenalty).
var digestPhrases = []string{
	"live", "live updates", "liveblog", "as it happened", "round up", "roundup", "recap",
	"wrap", "results in full", "in full", "opinion", "commentary", "editorial", "column",
	"week in review", "week ahead", "digest", "briefing", "what to watch", "preview",
	"онлайн", "трансляция", "обзор", "мнение", "колонка", "дайджест", "главное",
	"итоги недели", "наживо", "трансляція", "огляд", "думка", "головне", "підсумки тижня",
}

// concept is a glossary or gazetteer entry: the keys a word stands for,
// and whether they name something (a country) or are common vocabulary.
type concept struct {
	keys   []string
	name   bool
	family string
}

// lexicon is the compiled, read-only form of the tables above.
type lexicon struct {
	stop      map[string]bool
	enConcept map[string]concept // English stem → concept
	cyrExact  map[string]concept // whole Cyrillic word → concept
	cyrPrefix map[string]concept // Cyrillic prefix → concept
	maxPrefix int                // longest prefix, in runes
	digest    []string
	// digestFirst lists the digest phrases, between spaces for matching
	// whole words, by their first word.
	digestFirst map[string][][]byte
	families    []family
}

// family is one sort of event and the feature keys of its kinds.
type family struct {
	name string
	keys []string
}

func buildLexicon() *lexicon {
	lx := &lexicon{
		stop:      map[string]bool{},
		enConcept: map[string]concept{},
		cyrExact:  map[string]concept{},
		cyrPrefix: map[string]concept{},
		digest:    digestPhrases,
	}
	lx.digestFirst = map[string][][]byte{}
	for _, p := range digestPhrases {
		first, _, _ := strings.Cut(p, " ")
		lx.digestFirst[first] = append(lx.digestFirst[first], []byte(" "+p+" "))
	}
	for _, w := range strings.Fields(stopText) {
		lx.stop[w] = true
	}
	lx.load(glossaryText, false)
	lx.load(gazetteerText, true)
	return lx
}

func (lx *lexicon) load(text string, names bool) {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		head, rest, ok := strings.Cut(line, ":")
		if !ok {
			panic("story: glossary line without concept: " + line)
		}
		head, fam, _ := strings.Cut(head, "@")
		c := concept{keys: strings.Split(head, "+"), name: names, family: fam}
		if fam != "" {
			i := slices.IndexFunc(lx.families, func(f family) bool { return f.name == fam })
			if i < 0 {
				i = len(lx.families)
				lx.families = append(lx.families, family{name: fam})
			}
			lx.families[i].keys = append(lx.families[i].keys, "w:"+c.keys[0])
		}
		parts := strings.Split(rest, "|")
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		// The concept's own name is also an English word for it.
		en := append([]string{c.keys[0]}, strings.Fields(parts[0])...)
		for _, w := range en {
			w = strings.ReplaceAll(w, "-", "")
			lx.enConcept[stemEnglish(w)] = c
		}
		for _, p := range strings.Fields(parts[1]) {
			p = foldCyrillic(p)
			// Russian и is often Ukrainian і in the same root
			// (Грузии/Грузії, интеграция/інтеграція).
			for _, v := range []string{p, strings.ReplaceAll(p, "и", "і")} {
				if _, taken := lx.cyrPrefix[v]; taken && v != p {
					continue
				}
				lx.cyrPrefix[v] = c
				if n := utf8.RuneCountInString(v); n > lx.maxPrefix {
					lx.maxPrefix = n
				}
			}
		}
		for _, w := range strings.Fields(parts[2]) {
			lx.cyrExact[foldCyrillic(w)] = c
		}
	}
}

// cyrConcepts returns the concept keys of a lowercase Cyrillic word: an
// exact form first, else the longest listed prefix.
func (lx *lexicon) cyrConcepts(w string) (concept, bool) {
	if c, ok := lx.cyrExact[w]; ok {
		return c, true
	}
	runes := []rune(w)
	n := len(runes)
	if n > lx.maxPrefix {
		n = lx.maxPrefix
	}
	for ; n >= 3; n-- {
		if c, ok := lx.cyrPrefix[string(runes[:n])]; ok {
			return c, true
		}
	}
	return concept{}, false
}
