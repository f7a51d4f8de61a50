//! What `list` and `sms` print, as data: the binary prints it for people or as JSON.

use std::path::PathBuf;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, display_path};
use crate::load::Loaded;
use crate::model::Lang;
use crate::render::FormatOptions;

/// One handout, its sections and its outputs.
#[derive(Debug, Serialize)]
pub struct HandoutListing {
    pub slug: String,
    pub title: String,
    pub lang: Lang,
    #[serde(serialize_with = "crate::diagnostic::lossy_path")]
    pub path: PathBuf,
    pub sections: Vec<SectionListing>,
    pub outputs: Vec<OutputListing>,
}

#[derive(Debug, Serialize)]
pub struct SectionListing {
    pub id: String,
    pub title: String,
    pub line: usize,
}

#[derive(Debug, Serialize)]
pub struct OutputListing {
    pub profile: String,
    pub format: &'static str,
    /// The ids of the sections it prints, in its order.
    pub sections: Vec<String>,
    /// The files a build writes (in the default output folder).
    #[serde(serialize_with = "crate::diagnostic::lossy_paths")]
    pub files: Vec<PathBuf>,
}

/// Every loaded handout.
pub fn listing(loaded: &Loaded) -> Vec<HandoutListing> {
    loaded
        .handouts
        .iter()
        .map(|entry| {
            let handout = &entry.handout;
            let dist = loaded.project_of(entry).root.path().join("dist").join(&handout.meta.slug);
            let sections = handout
                .sections
                .iter()
                .map(|s| SectionListing { id: s.id.clone(), title: handout.section_title(s), line: s.line })
                .collect();
            let outputs = entry
                .outputs
                .iter()
                .map(|o| {
                    let selected = crate::select::section_ids(handout, &o.profile);
                    let files = o.options.files(&o.profile.name).iter().map(|f| display_path(&dist.join(f))).collect();
                    OutputListing {
                        profile: o.profile.name.clone(),
                        format: o.options.name(),
                        sections: selected,
                        files,
                    }
                })
                .collect();
            HandoutListing {
                slug: handout.meta.slug.clone(),
                title: handout.meta.title.clone(),
                lang: handout.meta.lang.clone(),
                path: handout.path.clone(),
                sections,
                outputs,
            }
        })
        .collect()
}

/// One text-message output's messages, as they would be sent, or why they cannot be.
#[derive(Debug, Serialize)]
pub struct SmsListing {
    pub slug: String,
    pub profile: String,
    #[serde(serialize_with = "crate::diagnostic::lossy_path")]
    pub path: PathBuf,
    pub messages: Vec<crate::render::sms::Message>,
    /// The replies to HELP and STOP, for a series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replies: Option<crate::render::sms::series::Replies>,
    pub problems: Vec<Diagnostic>,
}

/// The messages of every text-message output, without writing files.
pub fn messages(loaded: &Loaded, styles: &crate::cite::Styles) -> Vec<SmsListing> {
    let mut listings = Vec::new();
    for entry in &loaded.handouts {
        for output in &entry.outputs {
            let FormatOptions::Sms(options) = &output.options else { continue };
            let found = crate::select::select(&entry.handout, &output.profile, styles)
                .map_err(|d| vec![d])
                .and_then(|selection| crate::render::sms::outgoing(&selection, options));
            let (messages, replies, problems) = match found {
                Ok((messages, replies)) => (messages, replies, Vec::new()),
                Err(problems) => (Vec::new(), None, problems),
            };
            listings.push(SmsListing {
                slug: entry.handout.meta.slug.clone(),
                profile: output.profile.name.clone(),
                path: entry.handout.path.clone(),
                messages,
                replies,
                problems,
            });
        }
    }
    listings
}
