//! The clinic's web page: one self-contained, responsive HTML page per profile (styles inline,
//! images embedded as data so that the page is one file to upload), or with
//! `standalone = false` only the article, to paste into a website's editor.

mod options;

use std::fmt::Write as _;
use std::path::Path;

use base64::Engine as _;

pub use options::{KEYS, Options};

use crate::diagnostic::Diagnostic;
use crate::model::Section;
use crate::output::Artifact;
use crate::render::RenderContext;
use crate::render::xhtml::{Flavour, Writer, escape};

const STYLESHEET: &str = include_str!("../../../assets/html/page.css");

/// Renders a selected profile into its page, held in memory.
pub fn render(context: &RenderContext, options: &Options) -> Result<Vec<Artifact>, Vec<Diagnostic>> {
    let selection = context.selection;
    let handout = selection.handout;
    let meta = &handout.meta;
    let error = |message: String| Diagnostic::error(&handout.path, "html", message).profile(&selection.profile.name);
    let mut writer = Writer::new(selection, Flavour::Html);
    writer.start_file("");
    let mut article = format!(
        "<article class=\"handout\" lang=\"{lang}\" dir=\"{dir}\">\n<header>\n",
        lang = escape(meta.lang.as_str()),
        dir = meta.direction.as_str()
    );
    // A whole page names the organisation in its masthead.
    article.push_str(&writer.title_block(!options.standalone));
    article.push_str("</header>\n");
    for section in &selection.sections {
        let id = crate::select::anchor_safe(&section.id);
        // The introduction has no heading of its own: not a `<section>`, which needs one.
        let tag = if section.id == Section::INTRO { "div" } else { "section" };
        if section.id == Section::INTRO {
            let _ = writeln!(article, "<div id=\"sec-{id}\" class=\"introduction\">");
        } else {
            let _ = write!(article, "<section id=\"sec-{id}\" aria-labelledby=\"h-{id}\">\n<h2 id=\"h-{id}\">");
            writer.inlines(section.heading.as_deref().unwrap_or_default(), &mut article);
            article.push_str("</h2>\n");
        }
        writer.blocks(&section.blocks, &mut article);
        article.push_str(&writer.take_notes());
        let _ = writeln!(article, "</{tag}>");
    }
    if !selection.references.is_empty() {
        article.push_str(&writer.references());
    }
    article.push_str("</article>\n");
    if let Some(problem) = writer.problems.first() {
        return Err(vec![error(problem.clone())]);
    }
    let html = if options.standalone { page(context, &article).map_err(|e| vec![error(e)])? } else { article };
    Ok(vec![Artifact { file_name: format!("{}.html", selection.profile.name), bytes: html.into_bytes() }])
}

/// A whole page around the article: the organisation's masthead with its logo, the styles
/// in the brand colour (for screens and for print), and a footer.
fn page(context: &RenderContext, article: &str) -> Result<String, String> {
    let handout = context.selection.handout;
    let meta = &handout.meta;
    let strings = &handout.strings;
    let css = STYLESHEET.replace("{brand}", &handout.brand.color).replace("{tint}", &super::tint(&handout.brand.color));
    let mut masthead = String::new();
    if handout.brand.logo.is_some() || handout.brand.organisation.is_some() {
        masthead.push_str("<header class=\"masthead\">\n");
        if let Some(logo) = &handout.brand.logo {
            let alt = handout.brand.organisation.as_deref().map(|o| format!("{o} logo")).unwrap_or_default();
            let _ = writeln!(masthead, "<img class=\"logo\" src=\"{}\" alt=\"{}\">", data_uri(logo)?, escape(&alt));
        }
        if let Some(organisation) = &handout.brand.organisation {
            let _ = writeln!(masthead, "<p class=\"organisation\">{}</p>", escape(organisation));
        }
        masthead.push_str("</header>\n");
    }
    let mut footer = Vec::new();
    footer.extend(handout.brand.organisation.as_deref().map(escape));
    footer.extend(meta.reviewed.map(|d| escape(&strings.reviewed_on(d))));
    let keywords = meta.keywords.join(", ");
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<meta name=\"description\" content=\"{description}\">\n<meta name=\"keywords\" content=\"{keywords}\">\n<meta name=\"generator\" content=\"handout {version}\">\n<style>\n{css}</style>\n</head>\n<body>\n{masthead}<main>\n{article}</main>\n<footer class=\"page-footer\"><p>{footer}</p></footer>\n</body>\n</html>\n",
        lang = escape(meta.lang.as_str()),
        dir = meta.direction.as_str(),
        title = escape(&meta.title),
        description = escape(&meta.summary),
        keywords = escape(&keywords),
        version = env!("CARGO_PKG_VERSION"),
        footer = footer.join(" · "),
    ))
}

/// An image as a `data:` address, its type from its bytes.
pub fn data_uri(path: &Path) -> Result<String, String> {
    let media = match crate::images::sniffed_extension(path) {
        "svg" => "image/svg+xml",
        "jpg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "image/png",
    };
    let bytes = crate::files::read_resolved_bytes(path, crate::files::MAX_IMAGE_FILE)
        .map_err(|why| format!("image {}: {why}", crate::diagnostic::display_path(path).display()))?;
    Ok(format!("data:{media};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}
