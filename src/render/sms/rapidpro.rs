//! A series as a RapidPro (and TextIt) campaign export: one campaign on one contact group
//! whose message events send each message at its day and hour, counted from a contact date
//! field, with the translations as each message's other languages.
//!
//! The format is the one `Campaign.import_campaigns` and `Org.import_app` read in
//! nyaruka/rapidpro (temba/campaigns/models.py, temba/orgs/models.py; read at v26.3.54):
//! export `version` "13", a `flows` list (read even when empty), events of type "M" with
//! `offset`, `unit` "D", `delivery_hour` 0–23, `relative_to` `{key, label}`, `start_mode` and
//! `message` keyed by ISO 639-3 codes with a `base_language`. No `site` is written, so an
//! import looks the campaign and group up by name and never by these UUIDs.

use serde_json::{Value, json};

use super::Message;
use super::options::Options;
use crate::diagnostic::Diagnostic;
use crate::model::Handout;

/// The campaign of `handout`'s series `profile`: its own messages in its own language, and
/// each translation's in its.
pub fn campaign(
    handout: &Handout,
    profile: &str,
    options: &Options,
    messages: &[Message],
    translations: &[(&Handout, Vec<Message>)],
) -> Result<String, Diagnostic> {
    let base = language(handout)?;
    let mut languages = vec![(base, messages)];
    for (translation, theirs) in translations {
        // A translation of another length or schedule is a `check` error of its own.
        let same = theirs.len() == messages.len()
            && theirs.iter().zip(messages).all(|(a, b)| (a.day, a.hour) == (b.day, b.hour));
        if let (Ok(code), true) = (language(translation), same)
            && !languages.iter().any(|(c, _)| *c == code)
        {
            languages.push((code, theirs));
        }
    }
    let name = clean_name(&handout.meta.title);
    let id = |what: &str| uuid::Uuid::new_v5(&NAMESPACE, format!("{}/{profile}/{what}", handout.meta.slug).as_bytes());
    let field = &options.date_field;
    let label = field_label(field);
    let events: Vec<Value> = messages
        .iter()
        .enumerate()
        .map(|(i, message)| {
            let texts: serde_json::Map<String, Value> =
                languages.iter().map(|(code, m)| (code.to_string(), json!(m[i].encoded.text))).collect();
            json!({
                "uuid": id(&format!("event-{}", i + 1)).to_string(),
                "event_type": "M",
                "relative_to": { "key": field, "label": label },
                "offset": message.day.unwrap_or(0),
                "unit": "D",
                "delivery_hour": message.hour.map_or(-1, i32::from),
                "start_mode": "I",
                "base_language": base,
                "message": texts,
            })
        })
        .collect();
    let group = json!({ "uuid": id("group").to_string(), "name": name });
    let export = json!({
        "version": EXPORT_VERSION,
        "flows": [],
        "campaigns": [{ "uuid": id("campaign").to_string(), "name": name, "group": group, "events": events }],
        "triggers": [],
        "fields": [{ "key": field, "name": label, "type": "datetime" }],
        "groups": [{ "uuid": id("group").to_string(), "name": name, "query": null }],
    });
    Ok(serde_json::to_string_pretty(&export).unwrap_or_default() + "\n")
}

/// `Org.CURRENT_EXPORT_VERSION` in RapidPro.
pub const EXPORT_VERSION: &str = "13";

/// The namespace of the campaign's UUIDs (v5: the same handout gives the same file).
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b0f_6f64_2a51_4d3c_9a0e_8d2c_51f7_a9e3);

/// A campaign or group name as RapidPro keeps one: at most 64 characters, no `"` or `\`, no
/// space at either end.
fn clean_name(title: &str) -> String {
    let cleaned: String = title.replace('"', "'").replace('\\', "/").chars().take(64).collect();
    cleaned.trim().to_string()
}

/// "enrolled_on" → "Enrolled On" (a field name is letters, digits, spaces and `-`).
fn field_label(key: &str) -> String {
    key.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The handout's language as RapidPro names it: ISO 639-3.
fn language(handout: &Handout) -> Result<&'static str, Diagnostic> {
    let primary = handout.meta.lang.primary();
    ISO_639_3.iter().find(|(two, _)| *two == primary).map(|(_, three)| *three).ok_or_else(|| {
        let at = crate::files::place_in_file(&handout.path, |text| text.find("\nlang").map(|i| i + 1));
        Diagnostic::error(
            &handout.path,
            "sms",
            format!("RapidPro names languages by their ISO 639-3 codes, and there is none here for `{primary}`"),
        )
        .at(at)
        .hint("use the language's two-letter ISO 639-1 tag in `lang` (e.g. \"es\", \"ar\", \"vi\")")
    })
}

/// ISO 639-1 tags and their ISO 639-3 codes, for the languages clinics write handouts in.
#[rustfmt::skip]
const ISO_639_3: &[(&str, &str)] = &[
    ("af", "afr"), ("am", "amh"), ("ar", "ara"), ("az", "aze"), ("be", "bel"), ("bg", "bul"), ("bn", "ben"),
    ("bs", "bos"), ("ca", "cat"), ("cs", "ces"), ("cy", "cym"), ("da", "dan"), ("de", "deu"), ("el", "ell"),
    ("en", "eng"), ("es", "spa"), ("et", "est"), ("eu", "eus"), ("fa", "fas"), ("fi", "fin"), ("fr", "fra"),
    ("ga", "gle"), ("gl", "glg"), ("gu", "guj"), ("ha", "hau"), ("he", "heb"), ("hi", "hin"), ("hr", "hrv"),
    ("ht", "hat"), ("hu", "hun"), ("hy", "hye"), ("id", "ind"), ("ig", "ibo"), ("is", "isl"), ("it", "ita"),
    ("ja", "jpn"), ("ka", "kat"), ("kk", "kaz"), ("km", "khm"), ("kn", "kan"), ("ko", "kor"), ("ku", "kur"),
    ("ky", "kir"), ("lo", "lao"), ("lt", "lit"), ("lv", "lav"), ("mg", "mlg"), ("mk", "mkd"), ("ml", "mal"),
    ("mn", "mon"), ("mr", "mar"), ("ms", "msa"), ("mt", "mlt"), ("my", "mya"), ("ne", "nep"), ("nl", "nld"),
    ("no", "nor"), ("ny", "nya"), ("om", "orm"), ("pa", "pan"), ("pl", "pol"), ("ps", "pus"), ("pt", "por"),
    ("ro", "ron"), ("ru", "rus"), ("rw", "kin"), ("sd", "snd"), ("si", "sin"), ("sk", "slk"), ("sl", "slv"),
    ("sm", "smo"), ("sn", "sna"), ("so", "som"), ("sq", "sqi"), ("sr", "srp"), ("sv", "swe"), ("sw", "swa"),
    ("ta", "tam"), ("te", "tel"), ("tg", "tgk"), ("th", "tha"), ("ti", "tir"), ("tl", "tgl"), ("to", "ton"),
    ("tr", "tur"), ("uk", "ukr"), ("ur", "urd"), ("uz", "uzb"), ("vi", "vie"), ("wo", "wol"), ("xh", "xho"),
    ("yi", "yid"), ("yo", "yor"), ("zh", "zho"), ("zu", "zul"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_labels_are_as_rapidpro_keeps_them() {
        assert_eq!(field_label("enrolled_on"), "Enrolled On");
        assert_eq!(clean_name(" A \"quoted\" \\ title "), "A 'quoted' / title");
        assert_eq!(clean_name(&"x".repeat(80)).len(), 64);
        assert!(ISO_639_3.windows(2).all(|w| w[0].0 < w[1].0), "sorted, each once");
    }
}
