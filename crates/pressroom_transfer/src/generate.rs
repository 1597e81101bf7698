//! A corpus generator: realistic bilingual news of an intergovernmental organisation, for
//! benchmarks and load tests. Sentences are built from the domain's vocabulary — councils,
//! ministers, member states, cities, exercises, agreements — with every Russian word given in
//! the case its place in the sentence needs. The same seed always gives the same corpus.

use pressroom_domain::{
    slugify, ArticleDraft, DocumentFacts, DocumentStatus, DocumentType, EventFacts, EventStatus, EventTime, Lang, SectionKey, Status,
    DOCUMENTS_SECTION, EVENTS_SECTION,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Duration, OffsetDateTime};

/// A Russian noun phrase in the cases the templates use, and its English form.
struct Noun {
    nom: &'static str,
    gen: &'static str,
    dat: &'static str,
    ins: &'static str,
    pre: &'static str,
    en: &'static str,
    tag: Option<(&'static str, &'static str)>,
}

const fn noun(nom: &'static str, gen: &'static str, dat: &'static str, ins: &'static str, pre: &'static str, en: &'static str) -> Noun {
    Noun { nom, gen, dat, ins, pre, en, tag: None }
}

const fn tagged(n: Noun, ru_tag: &'static str, en_tag: &'static str) -> Noun {
    Noun { tag: Some((ru_tag, en_tag)), ..n }
}

const STATES: &[Noun] = &[
    tagged(
        noun(
            "Республика Армения",
            "Республики Армения",
            "Республике Армения",
            "Республикой Армения",
            "Республике Армения",
            "the Republic of Armenia",
        ),
        "Армения",
        "Armenia",
    ),
    tagged(
        noun(
            "Республика Беларусь",
            "Республики Беларусь",
            "Республике Беларусь",
            "Республикой Беларусь",
            "Республике Беларусь",
            "the Republic of Belarus",
        ),
        "Беларусь",
        "Belarus",
    ),
    tagged(
        noun(
            "Республика Казахстан",
            "Республики Казахстан",
            "Республике Казахстан",
            "Республикой Казахстан",
            "Республике Казахстан",
            "the Republic of Kazakhstan",
        ),
        "Казахстан",
        "Kazakhstan",
    ),
    tagged(
        noun(
            "Кыргызская Республика",
            "Кыргызской Республики",
            "Кыргызской Республике",
            "Кыргызской Республикой",
            "Кыргызской Республике",
            "the Kyrgyz Republic",
        ),
        "Кыргызстан",
        "Kyrgyzstan",
    ),
    tagged(
        noun(
            "Российская Федерация",
            "Российской Федерации",
            "Российской Федерации",
            "Российской Федерацией",
            "Российской Федерации",
            "the Russian Federation",
        ),
        "Россия",
        "Russia",
    ),
    tagged(
        noun(
            "Республика Таджикистан",
            "Республики Таджикистан",
            "Республике Таджикистан",
            "Республикой Таджикистан",
            "Республике Таджикистан",
            "the Republic of Tajikistan",
        ),
        "Таджикистан",
        "Tajikistan",
    ),
];

const CITIES: &[Noun] = &[
    noun("Москва", "Москвы", "Москве", "Москвой", "Москве", "Moscow"),
    noun("Минск", "Минска", "Минску", "Минском", "Минске", "Minsk"),
    noun("Астана", "Астаны", "Астане", "Астаной", "Астане", "Astana"),
    noun("Бишкек", "Бишкека", "Бишкеку", "Бишкеком", "Бишкеке", "Bishkek"),
    noun("Душанбе", "Душанбе", "Душанбе", "Душанбе", "Душанбе", "Dushanbe"),
    noun("Ереван", "Еревана", "Еревану", "Ереваном", "Ереване", "Yerevan"),
    noun("Алматы", "Алматы", "Алматы", "Алматы", "Алматы", "Almaty"),
    noun("Чолпон-Ата", "Чолпон-Аты", "Чолпон-Ате", "Чолпон-Атой", "Чолпон-Ате", "Cholpon-Ata"),
    noun("Санкт-Петербург", "Санкт-Петербурга", "Санкт-Петербургу", "Санкт-Петербургом", "Санкт-Петербурге", "Saint Petersburg"),
];

const BODIES: &[Noun] = &[
    tagged(
        noun(
            "Совет коллективной безопасности",
            "Совета коллективной безопасности",
            "Совету коллективной безопасности",
            "Советом коллективной безопасности",
            "Совете коллективной безопасности",
            "Collective Security Council",
        ),
        "Совет коллективной безопасности",
        "Collective Security Council",
    ),
    tagged(
        noun(
            "Совет министров иностранных дел",
            "Совета министров иностранных дел",
            "Совету министров иностранных дел",
            "Советом министров иностранных дел",
            "Совете министров иностранных дел",
            "Council of Foreign Ministers",
        ),
        "Совет министров иностранных дел",
        "Council of Foreign Ministers",
    ),
    tagged(
        noun(
            "Совет министров обороны",
            "Совета министров обороны",
            "Совету министров обороны",
            "Советом министров обороны",
            "Совете министров обороны",
            "Council of Defence Ministers",
        ),
        "Совет министров обороны",
        "Council of Defence Ministers",
    ),
    tagged(
        noun(
            "Комитет секретарей советов безопасности",
            "Комитета секретарей советов безопасности",
            "Комитету секретарей советов безопасности",
            "Комитетом секретарей советов безопасности",
            "Комитете секретарей советов безопасности",
            "Committee of Secretaries of Security Councils",
        ),
        "Комитет секретарей советов безопасности",
        "Committee of Secretaries of Security Councils",
    ),
    tagged(
        noun(
            "Парламентская Ассамблея",
            "Парламентской Ассамблеи",
            "Парламентской Ассамблее",
            "Парламентской Ассамблеей",
            "Парламентской Ассамблее",
            "Parliamentary Assembly",
        ),
        "Парламентская Ассамблея",
        "Parliamentary Assembly",
    ),
];

const MINISTERS: &[Noun] = &[
    noun(
        "министр иностранных дел",
        "министра иностранных дел",
        "министру иностранных дел",
        "министром иностранных дел",
        "министре иностранных дел",
        "Minister of Foreign Affairs",
    ),
    noun("министр обороны", "министра обороны", "министру обороны", "министром обороны", "министре обороны", "Minister of Defence"),
    noun(
        "секретарь совета безопасности",
        "секретаря совета безопасности",
        "секретарю совета безопасности",
        "секретарём совета безопасности",
        "секретаре совета безопасности",
        "Secretary of the Security Council",
    ),
    noun("посол", "посла", "послу", "послом", "после", "Ambassador"),
];

const TOPICS: &[Noun] = &[
    tagged(
        noun(
            "противодействие терроризму",
            "противодействия терроризму",
            "противодействию терроризму",
            "противодействием терроризму",
            "противодействии терроризму",
            "countering terrorism",
        ),
        "Противодействие терроризму",
        "Countering terrorism",
    ),
    tagged(
        noun(
            "миротворческая деятельность",
            "миротворческой деятельности",
            "миротворческой деятельности",
            "миротворческой деятельностью",
            "миротворческой деятельности",
            "peacekeeping",
        ),
        "Миротворчество",
        "Peacekeeping",
    ),
    tagged(
        noun(
            "информационная безопасность",
            "информационной безопасности",
            "информационной безопасности",
            "информационной безопасностью",
            "информационной безопасности",
            "information security",
        ),
        "Информационная безопасность",
        "Information security",
    ),
    tagged(
        noun(
            "борьба с наркотрафиком",
            "борьбы с наркотрафиком",
            "борьбе с наркотрафиком",
            "борьбой с наркотрафиком",
            "борьбе с наркотрафиком",
            "combating drug trafficking",
        ),
        "Наркотрафик",
        "Drug trafficking",
    ),
    tagged(
        noun(
            "укрепление границ",
            "укрепления границ",
            "укреплению границ",
            "укреплением границ",
            "укреплении границ",
            "strengthening borders",
        ),
        "Границы",
        "Borders",
    ),
    tagged(
        noun(
            "военно-техническое сотрудничество",
            "военно-технического сотрудничества",
            "военно-техническому сотрудничеству",
            "военно-техническим сотрудничеством",
            "военно-техническом сотрудничестве",
            "military-technical cooperation",
        ),
        "Военно-техническое сотрудничество",
        "Military-technical cooperation",
    ),
];

const AGREEMENTS: &[Noun] = &[
    noun(
        "соглашение о взаимной помощи",
        "соглашения о взаимной помощи",
        "соглашению о взаимной помощи",
        "соглашением о взаимной помощи",
        "соглашении о взаимной помощи",
        "agreement on mutual assistance",
    ),
    noun(
        "протокол о сотрудничестве",
        "протокола о сотрудничестве",
        "протоколу о сотрудничестве",
        "протоколом о сотрудничестве",
        "протоколе о сотрудничестве",
        "protocol on cooperation",
    ),
    noun(
        "меморандум о взаимопонимании",
        "меморандума о взаимопонимании",
        "меморандуму о взаимопонимании",
        "меморандумом о взаимопонимании",
        "меморандуме о взаимопонимании",
        "memorandum of understanding",
    ),
    noun(
        "план совместных мероприятий",
        "плана совместных мероприятий",
        "плану совместных мероприятий",
        "планом совместных мероприятий",
        "плане совместных мероприятий",
        "plan of joint activities",
    ),
];

const EXERCISES: &[(&str, &str)] = &[
    ("Взаимодействие", "Interaction"),
    ("Поиск", "Search"),
    ("Эшелон", "Echelon"),
    ("Нерушимое братство", "Indestructible Brotherhood"),
    ("Кобальт", "Cobalt"),
    ("Гром", "Thunder"),
];

const MONTHS_RU: [&str; 12] =
    ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];
const MONTHS_EN: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// Every section of the standard site, most items being news.
const SECTIONS: &[(&str, u32)] = &[("news", 69), ("statements", 12), ("events", 10), ("interviews", 4), ("documents", 5)];

/// Makes `count` article versions: `count / 2` items in Russian and English, linked as
/// translations (an odd count adds one Russian item).
pub fn generate(count: usize, seed: u64) -> Vec<ArticleDraft> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let ru = Lang::parse("ru").expect("a constant language is valid");
    let en = Lang::parse("en").expect("a constant language is valid");
    let start = OffsetDateTime::from_unix_timestamp(1_136_073_600).expect("2006-01-01 is a valid time");
    let span = 20 * 365 * 24 * 3600;
    let mut drafts = Vec::with_capacity(count);
    let mut item = 0;
    while drafts.len() < count {
        item += 1;
        let published = start + Duration::seconds(rng.gen_range(0..span));
        let published = published.replace_second(0).unwrap_or(published);
        let section = weighted_section(&mut rng);
        let (ru_text, en_text) = compose(&mut rng, published);
        let key = format!("gen-{seed}-{item}");
        for (lang, text) in [(&ru, &ru_text), (&en, &en_text)] {
            if drafts.len() == count {
                break;
            }
            // The number first, so that cutting a long title short keeps slugs unique.
            let slug = slugify(&format!("{item} {}", text.title));
            drafts.push(ArticleDraft {
                translation_key: key.clone(),
                lang: lang.clone(),
                section: SectionKey::parse(section).expect("a constant section is valid"),
                slug,
                title: text.title.clone(),
                lead: text.lead.clone(),
                body: text.body.clone(),
                cover: None,
                featured: false,
                status: Status::Published,
                published_at: published,
                tags: text.tags.clone(),
                media: None,
                event: (section == EVENTS_SECTION).then(|| event_facts(item, published)),
                document: (section == DOCUMENTS_SECTION).then(|| document_facts(item, published, lang)),
                report_of: None,
            });
        }
    }
    drafts
}

/// An event's facts, made from the item's number and date alone (no draw from the generator),
/// so that a seed gives the same texts as before events had facts: a meeting of one to three
/// days some weeks after it was announced; one in twenty cancelled, one in twenty postponed.
fn event_facts(item: usize, announced: OffsetDateTime) -> EventFacts {
    let start = announced.date() + Duration::days((item % 30 + 7) as i64);
    let status = match item % 20 {
        0 => EventStatus::Cancelled,
        1 => EventStatus::Postponed,
        _ => EventStatus::Held,
    };
    let end = (item % 3 > 0).then(|| EventTime::Day(start + Duration::days((item % 3) as i64)));
    EventFacts { start: EventTime::Day(start), end, status, city: None, country: None }
}

/// A document's facts, like [`event_facts`] made from the item's number and date alone: every
/// standard type, numbers restarting each year's hundred, a tenth terminated or superseded.
fn document_facts(item: usize, adopted: OffsetDateTime, lang: &Lang) -> DocumentFacts {
    let kinds = DocumentType::standard();
    let body = &BODIES[item % BODIES.len()];
    let status = match item % 10 {
        0 => DocumentStatus::Terminated,
        1 => DocumentStatus::Superseded,
        2 => DocumentStatus::Amended,
        _ => DocumentStatus::InForce,
    };
    DocumentFacts {
        kind: kinds[item % kinds.len()].key.clone(),
        number: (item % 100 + 1).to_string(),
        adopted_on: adopted.date(),
        place: None,
        body: Some(if lang.as_str() == "ru" { body.nom } else { body.en }.to_owned()),
        status,
        status_since: None,
        amends: Vec::new(),
        supersedes: Vec::new(),
    }
}

struct Text {
    title: String,
    lead: String,
    body: String,
    tags: Vec<String>,
}

fn weighted_section(rng: &mut ChaCha8Rng) -> &'static str {
    let total: u32 = SECTIONS.iter().map(|(_, w)| w).sum();
    let mut pick = rng.gen_range(0..total);
    for (name, weight) in SECTIONS {
        if pick < *weight {
            return name;
        }
        pick -= weight;
    }
    "news"
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("the vocabulary lists are not empty")
}

/// One item in both languages: a title, a lead (the first sentence) and paragraphs.
fn compose(rng: &mut ChaCha8Rng, date: OffsetDateTime) -> (Text, Text) {
    let city = pick(rng, CITIES);
    let body = pick(rng, BODIES);
    let topic = pick(rng, TOPICS);
    let state = pick(rng, STATES);
    let day_ru = format!("{} {} {} года", date.day(), MONTHS_RU[usize::from(u8::from(date.month())) - 1], date.year());
    let day_en = format!("{} {} {}", MONTHS_EN[usize::from(u8::from(date.month())) - 1], date.day(), date.year());
    let (title_ru, title_en) = match rng.gen_range(0..4) {
        0 => (format!("Заседание {} в {}", body.gen, city.pre), format!("Meeting of the {} in {}", body.en, city.en)),
        1 => (format!("Встреча по вопросам {}", topic.gen), format!("Meeting on {}", topic.en)),
        2 => {
            let (ex_ru, ex_en) = pick(rng, EXERCISES);
            (format!("Учения «{ex_ru}» на территории {}", state.gen), format!("Exercise \"{ex_en}\" in {}", state.en))
        }
        _ => (format!("Консультации с делегацией {}", state.gen), format!("Consultations with the delegation of {}", state.en)),
    };
    let lead_ru = format!("{day_ru} в {} состоялось заседание {}, посвящённое вопросам {}.", city.pre, body.gen, topic.gen);
    let lead_en = format!("On {day_en}, a meeting of the {} on {} was held in {}.", body.en, topic.en, city.en);
    // From one paragraph to several pages.
    let paragraphs = match rng.gen_range(0..10) {
        0..=3 => 1,
        4..=7 => rng.gen_range(2..6),
        _ => rng.gen_range(6..25),
    };
    let (mut body_ru, mut body_en) = (Vec::new(), Vec::new());
    for _ in 0..paragraphs {
        let (mut p_ru, mut p_en) = (Vec::new(), Vec::new());
        for _ in 0..rng.gen_range(2..6) {
            let (s_ru, s_en) = sentence(rng);
            p_ru.push(s_ru);
            p_en.push(s_en);
        }
        body_ru.push(p_ru.join(" "));
        body_en.push(p_en.join(" "));
    }
    let mut tags_ru = Vec::new();
    let mut tags_en = Vec::new();
    for noun in [body, topic, state] {
        if let Some((ru, en)) = noun.tag {
            tags_ru.push(ru.to_owned());
            tags_en.push(en.to_owned());
        }
    }
    (
        Text { title: title_ru, lead: lead_ru, body: body_ru.join("\n\n"), tags: tags_ru },
        Text { title: title_en, lead: lead_en, body: body_en.join("\n\n"), tags: tags_en },
    )
}

/// One sentence in both languages, every Russian noun in the case its place needs.
fn sentence(rng: &mut ChaCha8Rng) -> (String, String) {
    let (a, b) = (pick(rng, STATES), pick(rng, STATES));
    let minister = pick(rng, MINISTERS);
    let topic = pick(rng, TOPICS);
    let agreement = pick(rng, AGREEMENTS);
    let city = pick(rng, CITIES);
    let body = pick(rng, BODIES);
    match rng.gen_range(0..8) {
        0 => (
            format!("В заседании приняли участие представители {} и {}.", a.gen, b.gen),
            format!("Representatives of {} and {} took part in the meeting.", a.en, b.en),
        ),
        1 => (
            format!("Стороны обсудили актуальные вопросы {}.", topic.gen),
            format!("The parties discussed current issues of {}.", topic.en),
        ),
        2 => (
            format!("Генеральный секретарь провёл встречу с {} {}.", minister.ins, a.gen),
            format!("The Secretary General met the {} of {}.", minister.en, a.en),
        ),
        3 => (format!("По итогам встречи подписан {}.", agreement.nom), format!("Following the meeting, a {} was signed.", agreement.en)),
        4 => (format!("Особое внимание было уделено {}.", topic.dat), format!("Particular attention was paid to {}.", topic.en)),
        5 => (
            format!("Следующее заседание {} пройдёт в {}.", body.gen, city.pre),
            format!("The next meeting of the {} will be held in {}.", body.en, city.en),
        ),
        6 => (
            format!("Делегация {} выразила благодарность {} за гостеприимство.", a.gen, b.dat),
            format!("The delegation of {} thanked {} for its hospitality.", a.en, b.en),
        ),
        _ => (
            format!("Участники подчеркнули важность сотрудничества с {}.", b.ins),
            format!("The participants stressed the importance of cooperation with {}.", b.en),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_corpus() {
        let a = generate(40, 7);
        let b = generate(40, 7);
        assert_eq!(a, b);
        assert_ne!(a, generate(40, 8));
    }

    #[test]
    fn items_come_in_translated_pairs_with_inflected_russian() {
        let corpus = generate(400, 1);
        assert_eq!(corpus.len(), 400);
        for pair in corpus.chunks(2) {
            assert_eq!(pair[0].translation_key, pair[1].translation_key);
            assert_eq!((pair[0].lang.as_str(), pair[1].lang.as_str()), ("ru", "en"));
            assert!(pair.iter().all(|d| d.validate().is_ok()));
        }
        let russian: String = corpus.iter().filter(|d| d.lang.as_str() == "ru").map(|d| d.body.as_str()).collect();
        for form in ["Республики Казахстан", "Республике Казахстан", "Республикой Казахстан"]
        {
            assert!(russian.contains(form), "the corpus uses {form}");
        }
        let years: std::collections::BTreeSet<i32> = corpus.iter().map(|d| d.published_at.year()).collect();
        assert!(years.len() >= 15, "dates over twenty years: {years:?}");
        let sections: std::collections::BTreeSet<&str> = corpus.iter().map(|d| d.section.as_str()).collect();
        assert_eq!(sections.len(), 5, "every section");
        let longest = corpus.iter().map(|d| d.body.len()).max().unwrap();
        assert!(longest > 5_000, "some items run to several pages");
    }
}
