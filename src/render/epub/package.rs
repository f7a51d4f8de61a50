//! The EPUB 3 container written directly: the package document, the navigation document (a
//! nested table of contents with its ARIA role, labelled landmarks), an NCX for older readers,
//! and a zip with fixed entry times so that the same book always has the same bytes.

use std::fmt::Write as _;
use std::io::Write as _;

use crate::render::xhtml::escape;

/// A content document of the book, in reading order.
pub struct Document {
    pub file: String,
    /// Its title, as the table of contents shows it.
    pub title: String,
    pub xhtml: String,
    /// What a landmark calls it: `bodymatter`, `endnotes`, `cover`; `None` for most.
    pub landmark: Option<&'static str>,
    /// Whether the table of contents lists it (the cover page is not listed).
    pub listed: bool,
    /// Its subheadings (anchor id and title), listed under it in the table of contents.
    pub children: Vec<(String, String)>,
}

/// Another file of the book: stylesheet, image or font.
pub struct Resource {
    pub path: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
    /// `cover-image` for the cover.
    pub properties: Option<&'static str>,
}

/// What the package document says about the book.
pub struct Metadata<'a> {
    pub identifier: String,
    pub title: &'a str,
    pub lang: &'a str,
    pub direction: &'a str,
    pub creators: Vec<String>,
    pub publisher: Option<&'a str>,
    pub description: &'a str,
    pub subjects: &'a [String],
    /// `YYYY-MM-DDThh:mm:ssZ`.
    pub modified: String,
    /// `schema:` and `dcterms:` properties with their values.
    pub properties: Vec<(&'static str, String)>,
    /// The labels of the navigation document.
    pub contents_label: &'a str,
    pub landmarks_label: &'a str,
}

pub struct Book<'a> {
    pub metadata: Metadata<'a>,
    pub documents: Vec<Document>,
    pub resources: Vec<Resource>,
}

/// The zipped book.
pub fn write(book: &Book) -> Result<Vec<u8>, String> {
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, DateTime, ZipWriter};
    let options = SimpleFileOptions::default().last_modified_time(DateTime::default()).unix_permissions(0o644);
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut add = |name: &str, bytes: &[u8], method: CompressionMethod| -> Result<(), String> {
        zip.start_file(name, options.compression_method(method)).map_err(|e| e.to_string())?;
        zip.write_all(bytes).map_err(|e| e.to_string())
    };
    // `mimetype` first and stored, as the OCF specification requires.
    add("mimetype", b"application/epub+zip", CompressionMethod::Stored)?;
    add("META-INF/container.xml", CONTAINER.as_bytes(), CompressionMethod::Deflated)?;
    add("OEBPS/content.opf", package(book).as_bytes(), CompressionMethod::Deflated)?;
    add("OEBPS/nav.xhtml", navigation(book).as_bytes(), CompressionMethod::Deflated)?;
    add("OEBPS/toc.ncx", ncx(book).as_bytes(), CompressionMethod::Deflated)?;
    for document in &book.documents {
        add(&format!("OEBPS/{}", document.file), document.xhtml.as_bytes(), CompressionMethod::Deflated)?;
    }
    for resource in &book.resources {
        // Images and fonts are compressed already.
        let method = if resource.media_type.starts_with("text/") || resource.media_type.ends_with("svg+xml") {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        add(&format!("OEBPS/{}", resource.path), &resource.bytes, method)?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

const CONTAINER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"#;

/// A manifest id for a path.
fn item_id(path: &str) -> String {
    let safe: String = path.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("item-{safe}")
}

/// How a name files in a catalogue: "Family, Given" for a person (two or three words, none of
/// them an organisation's), otherwise the name as written.
fn file_as(name: &str) -> String {
    const ORGANISATION: &[&str] = &[
        "team",
        "clinic",
        "center",
        "centre",
        "department",
        "association",
        "society",
        "service",
        "services",
        "health",
        "hospital",
        "program",
        "programme",
        "institute",
        "council",
        "office",
        "group",
        "unit",
    ];
    let words: Vec<&str> = name.split_whitespace().collect();
    let organisation = words.iter().any(|w| ORGANISATION.contains(&w.to_lowercase().trim_matches(',')));
    if name.contains(',') || organisation || !(2..=3).contains(&words.len()) {
        return name.to_string();
    }
    format!("{}, {}", words[words.len() - 1], words[..words.len() - 1].join(" "))
}

fn package(book: &Book) -> String {
    let meta = &book.metadata;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"book-id\" xml:lang=\"{lang}\" dir=\"{dir}\" prefix=\"schema: http://schema.org/\">\n  <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n    <dc:identifier id=\"book-id\">{id}</dc:identifier>\n    <dc:title>{title}</dc:title>\n    <dc:language>{lang}</dc:language>\n",
        lang = escape(meta.lang),
        dir = meta.direction,
        id = escape(&meta.identifier),
        title = escape(meta.title),
    );
    for (i, creator) in meta.creators.iter().enumerate() {
        let _ = write!(
            out,
            "    <dc:creator id=\"creator-{i}\">{}</dc:creator>\n    <meta refines=\"#creator-{i}\" property=\"file-as\">{}</meta>\n    <meta refines=\"#creator-{i}\" property=\"role\" scheme=\"marc:relators\">aut</meta>\n",
            escape(creator),
            escape(&file_as(creator))
        );
    }
    if let Some(publisher) = meta.publisher {
        let _ = writeln!(out, "    <dc:publisher>{}</dc:publisher>", escape(publisher));
    }
    let _ = writeln!(out, "    <dc:date>{}</dc:date>", &meta.modified);
    let _ = writeln!(out, "    <meta property=\"dcterms:modified\">{}</meta>", &meta.modified);
    let _ = writeln!(out, "    <dc:description>{}</dc:description>", escape(meta.description));
    for subject in meta.subjects {
        let _ = writeln!(out, "    <dc:subject>{}</dc:subject>", escape(subject));
    }
    for (property, value) in &meta.properties {
        let _ = writeln!(out, "    <meta property=\"{property}\">{}</meta>", escape(value));
    }
    if let Some(cover) = book.resources.iter().find(|r| r.properties == Some("cover-image")) {
        let _ = writeln!(out, "    <meta name=\"cover\" content=\"{}\"/>", item_id(&cover.path));
    }
    out.push_str("  </metadata>\n  <manifest>\n");
    out.push_str("    <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n");
    out.push_str("    <item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n");
    for document in &book.documents {
        let _ = writeln!(
            out,
            "    <item id=\"{}\" href=\"{}\" media-type=\"application/xhtml+xml\"/>",
            item_id(&document.file),
            escape(&document.file)
        );
    }
    for resource in &book.resources {
        let properties = resource.properties.map(|p| format!(" properties=\"{p}\"")).unwrap_or_default();
        let _ = writeln!(
            out,
            "    <item id=\"{}\" href=\"{}\" media-type=\"{}\"{properties}/>",
            item_id(&resource.path),
            escape(&resource.path),
            resource.media_type
        );
    }
    let _ = writeln!(out, "  </manifest>\n  <spine toc=\"ncx\" page-progression-direction=\"{}\">", meta.direction);
    for document in &book.documents {
        let _ = writeln!(out, "    <itemref idref=\"{}\"/>", item_id(&document.file));
    }
    // The landmarks point at the table of contents, which must then be in the spine.
    out.push_str("    <itemref idref=\"nav\" linear=\"no\"/>\n  </spine>\n</package>\n");
    out
}

/// The navigation document: the table of contents (sections with their subsections) and the
/// landmarks, each labelled so that assistive technology can tell them apart.
fn navigation(book: &Book) -> String {
    let meta = &book.metadata;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{contents}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n<body>\n<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">\n<h1 id=\"toc-title\">{contents}</h1>\n<ol>\n",
        lang = escape(meta.lang),
        dir = meta.direction,
        contents = escape(meta.contents_label),
    );
    for document in book.documents.iter().filter(|d| d.listed) {
        let _ = write!(out, "<li><a href=\"{}\">{}</a>", escape(&document.file), escape(&document.title));
        if !document.children.is_empty() {
            out.push_str("\n<ol>\n");
            for (id, title) in &document.children {
                let _ = writeln!(
                    out,
                    "<li><a href=\"{}#{}\">{}</a></li>",
                    escape(&document.file),
                    escape(id),
                    escape(title)
                );
            }
            out.push_str("</ol>\n");
        }
        out.push_str("</li>\n");
    }
    let _ = write!(
        out,
        "</ol>\n</nav>\n<nav epub:type=\"landmarks\" id=\"landmarks\" aria-label=\"{}\" hidden=\"hidden\">\n<ol>\n<li><a epub:type=\"toc\" href=\"nav.xhtml#toc\">{}</a></li>\n",
        escape(meta.landmarks_label),
        escape(meta.contents_label)
    );
    for document in &book.documents {
        if let Some(landmark) = document.landmark {
            let _ = writeln!(
                out,
                "<li><a epub:type=\"{landmark}\" href=\"{}\">{}</a></li>",
                escape(&document.file),
                escape(&document.title)
            );
        }
    }
    out.push_str("</ol>\n</nav>\n</body>\n</html>\n");
    out
}

/// The EPUB 2 table of contents, for readers that predate EPUB 3.
fn ncx(book: &Book) -> String {
    let meta = &book.metadata;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"{}\">\n<head>\n<meta name=\"dtb:uid\" content=\"{}\"/>\n<meta name=\"dtb:depth\" content=\"2\"/>\n<meta name=\"dtb:totalPageCount\" content=\"0\"/>\n<meta name=\"dtb:maxPageNumber\" content=\"0\"/>\n</head>\n<docTitle><text>{}</text></docTitle>\n<navMap>\n",
        escape(meta.lang),
        escape(&meta.identifier),
        escape(meta.title)
    );
    let mut order = 0;
    for document in book.documents.iter().filter(|d| d.listed) {
        order += 1;
        let _ = writeln!(
            out,
            "<navPoint id=\"nav-{order}\" playOrder=\"{order}\"><navLabel><text>{}</text></navLabel><content src=\"{}\"/>",
            escape(&document.title),
            escape(&document.file)
        );
        for (id, title) in &document.children {
            order += 1;
            let _ = writeln!(
                out,
                "<navPoint id=\"nav-{order}\" playOrder=\"{order}\"><navLabel><text>{}</text></navLabel><content src=\"{}#{}\"/></navPoint>",
                escape(title),
                escape(&document.file),
                escape(id)
            );
        }
        out.push_str("</navPoint>\n");
    }
    out.push_str("</navMap>\n</ncx>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_file_by_family_name_and_organisations_as_written() {
        assert_eq!(file_as("Jane Q Doe"), "Doe, Jane Q");
        assert_eq!(file_as("Doe, Jane"), "Doe, Jane");
        assert_eq!(file_as("Health Education Team"), "Health Education Team");
        assert_eq!(file_as("Riverbend Community Clinic"), "Riverbend Community Clinic");
    }
}
