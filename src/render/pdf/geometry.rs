//! Print geometry, decided once: the trimmed sheet, bleed, the slug that holds the marks,
//! margins, columns, type sizes, and a tri-fold's panels and folds. The template lays out
//! inside it and the finished PDF gets its boxes and marks from it, so the two agree.

use serde::Serialize;

use super::options::{Layout, Options as PdfOptions, Paper};
use crate::model::Direction;

/// Points per millimetre.
pub const MM: f64 = 72.0 / 25.4;
/// Points per inch.
pub const INCH: f64 = 72.0;

/// Crop and fold marks: about 5 mm long, starting outside the bleed.
pub const MARK_LENGTH: f64 = 5.0 * MM;
/// Hairline width of marks, as print shops expect.
pub const MARK_WIDTH: f64 = 0.25;

/// Body text sizes. Health-literacy guidance (the CMS Toolkit) asks for 12 pt; two columns set
/// 10.5 pt so that a line keeps 45 characters; tri-fold panels 11 pt (growing to 12 pt when
/// the text is short); large print (APH/ACB guidance) 18 pt and nothing smaller.
pub const BODY_PAGE: f64 = 12.0;
pub const BODY_COLUMNS: f64 = 10.5;
pub const BODY_TRIFOLD: f64 = 11.0;
pub const BODY_LARGE: f64 = 18.0;

/// Characters per inch of body text at 11 pt in Atkinson Hyperlegible Next, measured on the
/// sample (the median full line, spaces included); other sizes scale inversely.
const CHARACTERS_PER_INCH_AT_11PT: f64 = 12.33;
/// Readable lines hold 45 to 75 characters.
pub const READABLE_LINE: std::ops::RangeInclusive<f64> = 45.0..=75.0;
/// Nothing on paper is set smaller than this (footer, references, captions).
pub const SMALLEST: f64 = 9.0;

/// How far a short tri-fold's type (to 14 pt) and its spacing may grow to fill its panels.
pub const MAX_TRIFOLD_SCALE: f64 = 14.0 / BODY_TRIFOLD;
pub const MAX_TRIFOLD_SPACING: f64 = 1.7;

#[derive(Debug, Clone, Serialize)]
pub struct Geometry {
    /// Finished size as printed (landscape for a tri-fold), in points.
    pub width: f64,
    pub height: f64,
    pub bleed: f64,
    /// From the trim to the page edge: the bleed, then the slug with the marks.
    pub outset: f64,
    /// Where crop and fold marks start, measured from the trim; `None` without marks.
    pub mark_offset: Option<f64>,
    pub margin: Margin,
    pub columns: u8,
    pub gutter: f64,
    /// Body text size and the size of small print (references, footer, captions).
    pub body: f64,
    pub small: f64,
    /// The panels of a tri-fold, outside side then inside side.
    pub panels: Option<Panels>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Margin {
    pub x: f64,
    pub top: f64,
    pub bottom: f64,
}

/// A tri-fold's panels in their order on the sheet, left to right, with the x of each fold.
#[derive(Debug, Clone, Serialize)]
pub struct Panels {
    pub outside: Vec<Panel>,
    pub inside: Vec<Panel>,
    /// How much narrower the tuck-in panel is than the other two.
    pub tuck: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Panel {
    pub role: PanelRole,
    pub x: f64,
    pub width: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PanelRole {
    Cover,
    Back,
    /// The outside of the tuck-in panel: the first thing seen when the cover opens.
    Flap,
    /// The inside panels, in reading order 1, 2, 3 (3 is the tuck-in panel).
    Inside1,
    Inside2,
    Inside3,
}

impl Panels {
    /// The fold positions on side `page` (0 outside, 1 inside), from the left trim edge.
    pub fn folds(&self, page: usize) -> Vec<f64> {
        let panels = if page == 0 { &self.outside } else { &self.inside };
        panels.iter().skip(1).map(|p| p.x).collect()
    }
}

/// Paper sizes (width × height, portrait) in points.
pub fn paper_size(paper: Paper) -> (f64, f64) {
    match paper {
        Paper::Letter => (8.5 * INCH, 11.0 * INCH),
        Paper::Legal => (8.5 * INCH, 14.0 * INCH),
        Paper::A4 => (210.0 * MM, 297.0 * MM),
        Paper::A5 => (148.0 * MM, 210.0 * MM),
    }
}

impl Geometry {
    pub fn new(options: &PdfOptions, direction: Direction) -> Geometry {
        let bleed = options.bleed * MM;
        // Marks start outside the bleed (a millimetre beyond it, or 3 mm off the trim without
        // one), run 5 mm, and the slug leaves room after them for the slug line.
        let mark_offset = options.crop_marks.then_some(if bleed > 0.0 { bleed + 1.0 * MM } else { 3.0 * MM });
        let outset = match mark_offset {
            Some(offset) => offset + MARK_LENGTH + 5.0 * MM,
            None => bleed,
        };
        let (portrait_w, portrait_h) = paper_size(options.paper);
        let metric = matches!(options.paper, Paper::A4 | Paper::A5);
        match options.layout {
            Layout::Page => {
                // Margins that keep the lines readable (see `READABLE_LINE`).
                let (body, small, margin, columns, gutter) = if options.large_print {
                    (BODY_LARGE, BODY_LARGE, 0.8 * INCH, 1, 0.0)
                } else if options.columns > 1 {
                    (BODY_COLUMNS, SMALLEST, 0.5 * INCH, options.columns, 0.28 * INCH)
                } else if options.paper == Paper::A5 {
                    (BODY_PAGE, 10.0, 0.75 * INCH, 1, 0.0)
                } else {
                    (BODY_PAGE, 10.0, 1.35 * INCH, 1, 0.0)
                };
                Geometry {
                    width: portrait_w,
                    height: portrait_h,
                    bleed,
                    outset,
                    mark_offset,
                    margin: Margin { x: margin, top: 0.75 * INCH, bottom: 0.9 * INCH },
                    columns,
                    gutter,
                    body,
                    small,
                    panels: None,
                }
            }
            Layout::Trifold => {
                let (width, height) = (portrait_h, portrait_w);
                // The tuck-in panel folds inside the other two, so it is a little narrower:
                // 3/32 in on US papers, 3 mm on ISO ones (README, "Tri-folds").
                let tuck = if metric { 3.0 * MM } else { 3.0 / 32.0 * INCH };
                let fold_margin = if metric { 5.0 * MM } else { 0.2 * INCH };
                let panels = trifold_panels(width, tuck, direction);
                Geometry {
                    width,
                    height,
                    bleed,
                    outset,
                    mark_offset,
                    // Equal text columns: a margin of f at each sheet edge and a gutter of
                    // 2f + tuck put at least f between the text and every fold.
                    margin: Margin { x: fold_margin, top: 0.3 * INCH, bottom: 0.3 * INCH },
                    columns: 3,
                    gutter: 2.0 * fold_margin + tuck,
                    body: BODY_TRIFOLD,
                    small: SMALLEST,
                    panels: Some(panels),
                }
            }
        }
    }

    /// The height a text column has on a page of this geometry.
    pub fn column_height(&self) -> f64 {
        self.height - self.margin.top - self.margin.bottom
    }

    /// About how many characters a full line of body text holds.
    pub fn characters_per_line(&self) -> f64 {
        self.column_width() / INCH * CHARACTERS_PER_INCH_AT_11PT * 11.0 / self.body
    }

    /// The width of one text column.
    pub fn column_width(&self) -> f64 {
        let columns = f64::from(self.columns);
        (self.width - 2.0 * self.margin.x - (columns - 1.0) * self.gutter) / columns
    }
}

/// Why a page layout's lines would be too short to read easily, with a hint; tri-fold panels
/// are narrow by nature (README, "Tri-folds") and are not refused.
pub fn unreadable_measure(options: &PdfOptions) -> Option<(String, String)> {
    if options.layout != Layout::Page {
        return None;
    }
    let geometry = Geometry::new(options, Direction::Ltr);
    let characters = geometry.characters_per_line();
    // A little slack for fonts narrower than the default.
    if characters >= READABLE_LINE.start() - 3.0 {
        return None;
    }
    let paper = format!("{:?}", options.paper).to_lowercase();
    let what = if options.large_print {
        format!("large print on {paper} paper")
    } else {
        format!("{} columns on {paper} paper", geometry.columns)
    };
    let hint = if options.large_print {
        "large print needs `paper = \"letter\"` or `\"a4\"`".to_string()
    } else if options.paper == Paper::A5 {
        "use one column on A5 paper".to_string()
    } else {
        "use `columns = 2` at most, or `layout = \"trifold\"` for a folded leaflet".to_string()
    };
    Some((
        format!(
            "{what} gives lines of about {characters:.0} characters; readable lines hold {:.0} to {:.0}",
            READABLE_LINE.start(),
            READABLE_LINE.end()
        ),
        hint,
    ))
}

/// Outside: flap, back, cover; inside: panels 1, 2, 3 (3 tucks in behind the flap). A
/// right-to-left handout mirrors the sheet: the cover is on the left and the inside reads from
/// the right.
fn trifold_panels(width: f64, tuck: f64, direction: Direction) -> Panels {
    let full = (width + tuck) / 3.0;
    let widths = |order: [PanelRole; 3]| {
        let mut x = 0.0;
        order
            .into_iter()
            .map(|role| {
                let narrow = matches!(role, PanelRole::Flap | PanelRole::Inside3);
                let panel = Panel { role, x, width: if narrow { full - tuck } else { full } };
                x += panel.width;
                panel
            })
            .collect::<Vec<_>>()
    };
    use PanelRole::*;
    let (outside, inside) = match direction {
        Direction::Ltr => ([Flap, Back, Cover], [Inside1, Inside2, Inside3]),
        Direction::Rtl => ([Cover, Back, Flap], [Inside3, Inside2, Inside1]),
    };
    Panels { outside: widths(outside), inside: widths(inside), tuck }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trifold(paper: Paper) -> PdfOptions {
        PdfOptions { paper, layout: Layout::Trifold, ..PdfOptions::default() }
    }

    #[test]
    fn the_tuck_in_panel_is_narrower_and_folds_mirror_for_right_to_left() {
        let geometry = Geometry::new(&trifold(Paper::Letter), Direction::Ltr);
        let panels = geometry.panels.as_ref().unwrap();
        let widths: Vec<f64> = panels.outside.iter().map(|p| p.width).collect();
        assert!((widths.iter().sum::<f64>() - 11.0 * INCH).abs() < 1e-9);
        assert!((widths[1] - widths[0] - 3.0 / 32.0 * INCH).abs() < 1e-9, "{widths:?}");
        assert_eq!(panels.outside[2].role, PanelRole::Cover);
        // The inside's folds are the outside's seen from the other side of the sheet.
        let (out, inside) = (panels.folds(0), panels.folds(1));
        assert!((out[0] + inside[1] - 11.0 * INCH).abs() < 1e-9 && (out[1] + inside[0] - 11.0 * INCH).abs() < 1e-9);
        let rtl = Geometry::new(&trifold(Paper::Letter), Direction::Rtl);
        let rtl_panels = rtl.panels.unwrap();
        assert_eq!(rtl_panels.outside[0].role, PanelRole::Cover);
        assert_eq!(rtl_panels.inside[2].role, PanelRole::Inside1);
    }

    #[test]
    fn text_columns_keep_a_fold_margin_from_every_fold() {
        for paper in [Paper::Letter, Paper::A4, Paper::A5, Paper::Legal] {
            let g = Geometry::new(&trifold(paper), Direction::Ltr);
            let panels = g.panels.as_ref().unwrap();
            let c = g.column_width();
            for (i, column_start) in (0..3).map(|i| g.margin.x + f64::from(i) * (c + g.gutter)).enumerate() {
                let panel = &panels.inside[i];
                assert!(column_start - panel.x >= g.margin.x - 1e-9, "{paper:?} column {i}");
                assert!(panel.x + panel.width - (column_start + c) >= g.margin.x - 1e-9, "{paper:?} column {i}");
            }
        }
    }

    #[test]
    fn page_layouts_keep_lines_readable_or_are_refused() {
        for paper in [Paper::Letter, Paper::A4, Paper::A5, Paper::Legal] {
            for columns in 1..=3 {
                for large_print in [false, true] {
                    let options = PdfOptions { paper, columns, large_print, ..PdfOptions::default() };
                    let characters = Geometry::new(&options, Direction::Ltr).characters_per_line();
                    let refused = unreadable_measure(&options).is_some();
                    assert!(refused || (42.0..=76.0).contains(&characters), "{options:?}: {characters:.0}");
                }
            }
        }
        assert!(unreadable_measure(&PdfOptions { columns: 2, ..PdfOptions::default() }).is_none());
        assert!(unreadable_measure(&PdfOptions { columns: 3, ..PdfOptions::default() }).is_some());
    }

    #[test]
    fn marks_start_outside_the_bleed_and_the_slug_grows_with_it() {
        for bleed in [0.0, 3.0, 5.0, 12.0] {
            let options = PdfOptions { bleed, crop_marks: true, ..PdfOptions::default() };
            let g = Geometry::new(&options, Direction::Ltr);
            let offset = g.mark_offset.unwrap();
            assert!(offset >= g.bleed && offset > 0.0);
            assert!(g.outset >= offset + MARK_LENGTH);
        }
    }
}
