//! Passive voice: English `be`/`get` + past participle, Spanish `ser` + participle and the
//! passive or impersonal `se`. Words between them may be adverbs and negations.

use super::prose::Word;

const EN_BE: &[&str] =
    &["am", "is", "are", "was", "were", "be", "been", "being", "isn't", "aren't", "wasn't", "weren't"];
const EN_GET: &[&str] = &["get", "gets", "got", "gotten", "getting"];
const EN_BETWEEN: &[&str] = &[
    "not",
    "never",
    "often",
    "also",
    "always",
    "usually",
    "still",
    "just",
    "already",
    "then",
    "sometimes",
    "rarely",
    "commonly",
    "typically",
    "generally",
    "first",
    "easily",
    "quickly",
    "now",
    "all",
    "both",
    "each",
    "even",
    "only",
];
/// Irregular past participles (and `-ed` forms too short to be told from other words).
const EN_IRREGULAR: &[&str] = &[
    "known",
    "given",
    "taken",
    "seen",
    "done",
    "made",
    "found",
    "told",
    "kept",
    "held",
    "shown",
    "written",
    "born",
    "brought",
    "bought",
    "caught",
    "taught",
    "thought",
    "sold",
    "sent",
    "spent",
    "built",
    "left",
    "lost",
    "paid",
    "put",
    "read",
    "set",
    "cut",
    "hurt",
    "hit",
    "shut",
    "spread",
    "split",
    "chosen",
    "driven",
    "eaten",
    "fallen",
    "forgotten",
    "frozen",
    "hidden",
    "risen",
    "shaken",
    "spoken",
    "stolen",
    "torn",
    "thrown",
    "worn",
    "beaten",
    "bitten",
    "broken",
    "drawn",
    "drunk",
    "begun",
    "understood",
    "fed",
    "led",
    "met",
    "bled",
    "dealt",
    "heard",
    "meant",
    "laid",
    "said",
    "struck",
    "stuck",
    "stung",
    "hung",
    "won",
    "bound",
    "sought",
    "forbidden",
    "forgiven",
    "mistaken",
    "withdrawn",
    "grown",
    "blown",
    "flown",
    "sewn",
    "proven",
    "swollen",
    "overseen",
    "undertaken",
    "rewritten",
    "upheld",
    "wed",
    "used",
    "woken",
    "awoken",
    "ridden",
    "slept",
    "shot",
    "sworn",
    "dug",
    "spun",
    "sunk",
];
/// Participles that, after `be` or `feel`, name a state rather than something done.
const EN_STATES: &[&str] = &[
    "tired",
    "worried",
    "married",
    "scared",
    "interested",
    "exhausted",
    "disappointed",
    "swollen",
    "dehydrated",
    "advanced",
    "limited",
    "related",
    "supposed",
    "used",
    "concerned",
    "confused",
    "depressed",
    "excited",
    "frightened",
    "pleased",
    "satisfied",
    "surprised",
    "stressed",
    "bored",
    "embarrassed",
    "overwhelmed",
    "qualified",
    "experienced",
    "detailed",
    "balanced",
    "prepared",
    "committed",
    "determined",
    "isolated",
    "crowded",
    "closed",
    "gone",
    "ashamed",
    "annoyed",
    "amazed",
    "relaxed",
    "relieved",
    "lost",
    "broken",
    "allowed",
    "unlimited",
    "unexpected",
    "numbed",
    "scarred",
    "tied",
    "armed",
    "aged",
    "blessed",
    "skilled",
    "talented",
    "red",
    "bed",
    "need",
    "feed",
    "seed",
    "speed",
    "indeed",
    "shed",
    "hundred",
    "kindred",
    "naked",
    "wicked",
    "sacred",
    "rugged",
    "wretched",
];
/// `get` + these is a change of state, not a passive.
const EN_GET_STATES: &[&str] =
    &["dressed", "lost", "bored", "worried", "married", "tired", "used", "started", "involved", "scared"];

const ES_SER: &[&str] = &[
    "es", "son", "fue", "fueron", "era", "eran", "será", "serán", "sido", "ser", "sea", "sean", "sería", "serían",
    "siendo", "fuera", "fueran", "soy", "eres", "somos",
];
const ES_BETWEEN: &[&str] =
    &["no", "ya", "también", "siempre", "muy", "más", "bien", "nunca", "casi", "solo", "sólo", "luego"];
const ES_IRREGULAR: &[&str] = &[
    "hecho",
    "dicho",
    "escrito",
    "puesto",
    "visto",
    "abierto",
    "cubierto",
    "muerto",
    "vuelto",
    "roto",
    "resuelto",
    "devuelto",
    "descubierto",
    "impreso",
    "frito",
    "provisto",
    "compuesto",
    "dispuesto",
    "expuesto",
    "propuesto",
    "satisfecho",
    "prescrito",
    "inscrito",
    "suscrito",
];
/// Participles used after `ser` as plain adjectives.
const ES_STATES: &[&str] = &[
    "limitado",
    "adecuado",
    "apropiado",
    "delicado",
    "cansado",
    "complicado",
    "preocupado",
    "ocupado",
    "educado",
    "dedicado",
    "obligado",
    "conocido",
    "querido",
    "parecido",
    "atrevido",
    "divertido",
    "aburrido",
    "privado",
    "delgado",
    "sagrado",
    "lado",
    "todo",
    "nada",
    "nado",
    "vida",
    "ruido",
    "nido",
    "sonido",
    "marido",
    "apellido",
];
/// Verbs that after `se` make a passive or impersonal sentence ("se recomienda", "se venden").
const ES_SE_VERBS: &[&str] = &[
    "recomienda",
    "recomiendan",
    "sabe",
    "saben",
    "cree",
    "creen",
    "piensa",
    "considera",
    "consideran",
    "usa",
    "usan",
    "utiliza",
    "utilizan",
    "vende",
    "venden",
    "necesita",
    "necesitan",
    "requiere",
    "requieren",
    "aconseja",
    "aconsejan",
    "habla",
    "hablan",
    "dice",
    "dicen",
    "conoce",
    "conocen",
    "espera",
    "esperan",
    "debe",
    "deben",
    "puede",
    "pueden",
    "administra",
    "administran",
    "aplica",
    "aplican",
    "realiza",
    "realizan",
    "trata",
    "tratan",
    "produce",
    "producen",
    "encuentra",
    "encuentran",
    "observa",
    "observan",
    "diagnostica",
    "diagnostican",
    "receta",
    "recetan",
    "indica",
    "indican",
    "ofrece",
    "ofrecen",
    "enseña",
    "enseñan",
    "llama",
    "llaman",
    "hace",
    "hacen",
    "pide",
    "piden",
    "da",
    "dan",
    "incluye",
    "incluyen",
    "mide",
    "miden",
    "revisa",
    "revisan",
    "estima",
    "estiman",
    "calcula",
    "calculan",
    "sugiere",
    "sugieren",
    "permite",
    "permiten",
    "prohíbe",
    "acepta",
    "aceptan",
    "atiende",
    "atienden",
    "necesitará",
    "hará",
    "harán",
    "hizo",
    "hicieron",
    "recomendó",
    "usó",
    "usaron",
    "vendió",
    "vendieron",
    "descubrió",
    "descubrieron",
    "tomó",
    "tomaron",
    "encontró",
    "encontraron",
    "trató",
    "trataron",
    "aprobó",
    "aprobaron",
    "detectó",
    "detectaron",
    "suele",
    "suelen",
    "sabía",
    "creía",
    "pensaba",
    "sospecha",
    "sospechan",
    "define",
    "definen",
    "conserva",
    "conservan",
    "guarda",
    "guardan",
    "envía",
    "envían",
    "lavan",
    "limpia",
    "limpian",
    "mezcla",
    "mezclan",
    "pone",
    "ponen",
    "toma",
    "toman",
    "entrega",
    "entregan",
    "tira",
    "tiran",
    "corta",
    "cortan",
    "realizará",
    "realizarán",
    "utilizará",
    "utilizarán",
    "usará",
    "usarán",
    "hará",
    "dará",
    "darán",
    "aplicará",
    "aplicarán",
];
/// Words that may sit between `se` and its verb (`se les enseña`, `se le pide`).
const ES_SE_BETWEEN: &[&str] = &["le", "les", "lo", "la", "los", "las", "no"];

/// The byte range of the first passive verb phrase in `words`, if any.
pub fn passive(words: &[Word], spanish: bool) -> Option<std::ops::Range<usize>> {
    if spanish { spanish_passive(words) } else { english_passive(words) }
}

fn english_passive(words: &[Word]) -> Option<std::ops::Range<usize>> {
    for (i, word) in words.iter().enumerate() {
        let be = EN_BE.contains(&word.lower.as_str());
        let get = EN_GET.contains(&word.lower.as_str());
        if !be && !get {
            continue;
        }
        let mut j = i + 1;
        while j < words.len()
            && j <= i + 2
            && (EN_BETWEEN.contains(&words[j].lower.as_str()) || words[j].lower.ends_with("ly"))
        {
            j += 1;
        }
        let Some(next) = words.get(j) else { continue };
        let participle = &next.lower;
        let after = words.get(j + 1).map(|w| w.lower.as_str());
        // "is used to treat" is done to it; "is used to it", "used to waking" is a habit.
        let person = i
            .checked_sub(1)
            .is_some_and(|p| ["you", "i", "we", "they", "he", "she"].contains(&words[p].lower.as_str()));
        let used_to_habit = participle == "used"
            && after == Some("to")
            && (person
                || words.get(j + 2).is_none_or(|w| {
                    w.lower.ends_with("ing") || ["it", "the", "this", "that", "a"].contains(&w.lower.as_str())
                }));
        let by_someone = matches!(after, Some("by")) || (participle == "closed" && after == Some("with"));
        let state = (EN_STATES.contains(&participle.as_str()) && participle != "used" && !by_someone)
            || (get && EN_GET_STATES.contains(&participle.as_str()))
            || used_to_habit;
        let looks = EN_IRREGULAR.contains(&participle.as_str()) || (participle.ends_with("ed") && participle.len() > 4);
        if looks && !state {
            return Some(word.range.start..next.range.end);
        }
    }
    None
}

fn spanish_passive(words: &[Word]) -> Option<std::ops::Range<usize>> {
    for (i, word) in words.iter().enumerate() {
        if ES_SER.contains(&word.lower.as_str()) {
            let mut j = i + 1;
            while j < words.len()
                && j <= i + 2
                && (ES_BETWEEN.contains(&words[j].lower.as_str()) || words[j].lower.ends_with("mente"))
            {
                j += 1;
            }
            if let Some(next) = words.get(j)
                && spanish_participle(&next.lower)
            {
                return Some(word.range.start..next.range.end);
            }
        }
        if word.lower == "se" {
            let mut j = i + 1;
            while j < words.len() && j <= i + 2 && ES_SE_BETWEEN.contains(&words[j].lower.as_str()) {
                j += 1;
            }
            if let Some(next) = words.get(j)
                && ES_SE_VERBS.contains(&next.lower.as_str())
                && !pronominal_after_modal(&next.lower, words.get(j + 1).map(|w| w.lower.as_str()))
                && !on_oneself(words.get(j + 1..j + 3))
            {
                return Some(word.range.start..next.range.end);
            }
        }
    }
    None
}

/// "Se pone las medias", "se corta el pie": something done to one's own body or clothes.
fn on_oneself(next: Option<&[Word]>) -> bool {
    const OWN: &[&str] = &[
        "pie",
        "pies",
        "mano",
        "manos",
        "cara",
        "dientes",
        "pelo",
        "cabello",
        "medias",
        "ropa",
        "zapatos",
        "piel",
        "brazo",
        "brazos",
        "pierna",
        "piernas",
        "ojos",
        "uñas",
        "dedo",
        "dedos",
        "boca",
        "nariz",
        "calcetines",
    ];
    next.is_some_and(|pair| {
        pair.len() == 2
            && ["el", "la", "los", "las"].contains(&pair[0].lower.as_str())
            && OWN.contains(&pair[1].lower.as_str())
    })
}

/// "Usted se puede sentir…": `se` belongs to a pronominal verb after the modal, not to a passive.
fn pronominal_after_modal(modal: &str, next: Option<&str>) -> bool {
    const PRONOMINAL: &[&str] = &[
        "sentir",
        "ir",
        "quedar",
        "levantar",
        "acostar",
        "sentar",
        "preocupar",
        "mover",
        "caer",
        "marear",
        "bañar",
        "duchar",
        "vestir",
        "cuidar",
        "cansar",
        "olvidar",
        "acordar",
        "enfermar",
        "despertar",
        "dormir",
    ];
    ["puede", "pueden", "debe", "deben"].contains(&modal) && next.is_some_and(|n| PRONOMINAL.contains(&n))
}

fn spanish_participle(word: &str) -> bool {
    let word = word.replace('í', "i");
    let word = word.as_str();
    let singular_masculine = ["ada", "ados", "adas"]
        .iter()
        .find_map(|end| word.strip_suffix(end).map(|s| format!("{s}ado")))
        .or_else(|| ["ida", "idos", "idas"].iter().find_map(|end| word.strip_suffix(end).map(|s| format!("{s}ido"))))
        .or_else(|| ["a", "os", "as"].iter().find_map(|end| word.strip_suffix(end).map(|s| format!("{s}o"))))
        .unwrap_or_else(|| word.to_string());
    if ES_STATES.contains(&singular_masculine.as_str()) || ES_STATES.contains(&word) {
        return false;
    }
    ES_IRREGULAR.contains(&singular_masculine.as_str())
        || ((singular_masculine.ends_with("ado") || singular_masculine.ends_with("ido"))
            && singular_masculine.chars().count() >= 4)
}
