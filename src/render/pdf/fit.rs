//! Fitting the text to the sheet. Typst has no balanced columns and no look-ahead, so the
//! handout is laid out, measured and laid out again (a handful of compiles; Typst reuses most
//! of the work):
//! - a tri-fold's type and spacing grow until its three inside panels are nearly full, then its
//!   columns are shortened until all three end level;
//! - a page layout whose last page holds a few lines has its spacing tightened to pull them
//!   back, and the columns of its last page are balanced with a column break.

use typst::foundations::Label;
use typst::introspection::Introspector as _;
use typst::layout::{Frame, FrameItem, Point};
use typst_layout::PagedDocument;

use super::data::Fit;
use super::geometry::{Geometry, MAX_TRIFOLD_SCALE, MAX_TRIFOLD_SPACING};

/// The share of a tri-fold's panels its text aims to fill.
const TARGET_FILL: f64 = 0.95;
/// A fill at which growing stops.
const FULL_ENOUGH: f64 = 0.9;
/// A last page filled less than this is pulled back when tighter spacing allows.
const SHORT_LAST_PAGE: f64 = 0.3;
/// The tightest spacing used to pull back a short last page.
const TIGHT_SPACING: f64 = 0.8;

/// How a layout came out.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    pub pages: usize,
    /// For each page and each of its columns, how far down the text reaches, in points from the
    /// top of the column.
    pub used: Vec<Vec<f64>>,
    /// The markers the template puts before blocks (`blk-…`) and figures (`fig-…`).
    pub markers: Vec<Marker>,
    /// Words wider than the column they are set in, which would print over what is beside it.
    pub overflows: Vec<String>,
}

/// A marker's place: page (from 0), column, and points from the top of the column.
#[derive(Debug, Clone)]
pub struct Marker {
    pub label: String,
    pub page: usize,
    pub column: usize,
    pub y: f64,
}

impl Measured {
    /// The columns of the page a fit works on: a tri-fold's inside, else the last page.
    fn focus(&self, trifold: bool) -> &[f64] {
        let index = if trifold { 1 } else { self.pages.saturating_sub(1) };
        self.used.get(index).map_or(&[], Vec::as_slice)
    }

    fn fill(&self, trifold: bool, column: f64) -> f64 {
        let used = self.focus(trifold);
        used.iter().sum::<f64>() / (used.len().max(1) as f64 * column)
    }

    fn spread(&self, trifold: bool) -> f64 {
        let used = self.focus(trifold);
        let high = used.iter().copied().fold(0.0, f64::max);
        let low = used.iter().copied().fold(f64::INFINITY, f64::min);
        high - low
    }
}

/// Measures every page of a layout.
pub fn measure(document: &PagedDocument, geometry: &Geometry) -> Measured {
    // Typst's page frames are the trimmed page: the bleed and slug lie outside them.
    let columns = usize::from(geometry.columns);
    let top = geometry.margin.top;
    let left = geometry.margin.x;
    let pitch = geometry.column_width() + geometry.gutter;
    let column_of = |x: f64| (((x - left + 1.0) / pitch).floor().max(0.0) as usize).min(columns - 1);
    let footer_top = geometry.height - geometry.margin.bottom;
    let introspector = document.introspector();
    // The title block spans the columns of the first page of a page layout.
    let title_end = Label::new(typst::utils::PicoStr::intern("title-end"))
        .and_then(|label| introspector.query_label(label).ok())
        .and_then(|element| element.location())
        .and_then(|location| introspector.position(location))
        .map_or(0.0, |p| p.point.y.to_pt());
    let column_right = |column: usize| left + column as f64 * pitch + geometry.column_width();
    let mut used = Vec::new();
    let mut overflows = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        let mut columns_used = vec![0.0_f64; columns];
        let text_page = geometry.panels.is_none() || index == 1;
        walk(&page.frame, Point::zero(), &mut |item| {
            // Only the text area: not the footer, the band or the marks.
            if item.top >= top - 1.0 && item.bottom <= footer_top + 1.0 {
                let column = column_of(item.x);
                columns_used[column] = columns_used[column].max(item.bottom - top);
                let spans = index == 0 && item.top < title_end;
                if let Some(text) = item.text
                    && text_page
                    && !spans
                    && item.right > column_right(column) + 1.0
                {
                    let word = text.split_whitespace().last().unwrap_or(text).to_string();
                    if !overflows.contains(&word) {
                        overflows.push(word);
                    }
                }
            }
        });
        used.push(columns_used);
    }
    let mut markers = Vec::new();
    for element in introspector.query_labelled() {
        let Some(label) = element.label().map(|l| l.resolve().to_string()) else { continue };
        if !(label.starts_with("blk-") || label.starts_with("fig-")) {
            continue;
        }
        let Some(position) = element.location().and_then(|l| introspector.position(l)) else { continue };
        let (x, y) = (position.point.x.to_pt(), position.point.y.to_pt());
        markers.push(Marker { label, page: position.page.get() - 1, column: column_of(x), y: y - top });
    }
    markers.sort_by(|a, b| (a.page, a.column).cmp(&(b.page, b.column)).then(a.y.total_cmp(&b.y)));
    Measured { pages: document.pages().len(), used, markers, overflows }
}

/// What `walk` reports of a text run, shape or image: its box, and a run's text.
struct Item<'a> {
    x: f64,
    right: f64,
    top: f64,
    bottom: f64,
    text: Option<&'a str>,
}

/// Calls `visit` for every text run, shape and image, in page coordinates.
fn walk<'a>(frame: &'a Frame, origin: Point, visit: &mut dyn FnMut(Item<'a>)) {
    for (position, item) in frame.items() {
        let at = origin + *position;
        let (x, y) = (at.x.to_pt(), at.y.to_pt());
        match item {
            FrameItem::Group(group) => {
                let shift = Point::new(group.transform.tx, group.transform.ty);
                walk(&group.frame, at + shift, visit);
            }
            FrameItem::Text(text) => {
                let size = text.size.to_pt();
                let right = x + text.width().to_pt();
                visit(Item { x, right, top: y - size * 0.75, bottom: y + size * 0.25, text: Some(&text.text) });
            }
            FrameItem::Shape(shape, _) => {
                let bbox = shape.bbox(false);
                let (x0, x1) = (x + bbox.min.x.to_pt(), x + bbox.max.x.to_pt());
                visit(Item {
                    x: x0,
                    right: x1,
                    top: y + bbox.min.y.to_pt(),
                    bottom: y + bbox.max.y.to_pt(),
                    text: None,
                });
            }
            FrameItem::Image(_, size, _) => {
                visit(Item { x, right: x + size.x.to_pt(), top: y, bottom: y + size.y.to_pt(), text: None })
            }
            _ => {}
        }
    }
}

/// Fits a tri-fold: returns the last layout that keeps to two sides, or the first layout
/// when even that overflows.
pub fn fit_trifold<D, E>(
    geometry: &Geometry,
    mut compile: impl FnMut(&Fit) -> Result<D, E>,
    measure: impl Fn(&D) -> Measured,
) -> Result<(D, Fit), E> {
    let column = geometry.column_height();
    // The spacing grows to its most by half-way, the type all the way.
    let grown = |k: f64| Fit {
        scale: 1.0 + (MAX_TRIFOLD_SCALE - 1.0) * k,
        spacing: 1.0 + (MAX_TRIFOLD_SPACING - 1.0) * (2.0 * k).min(1.0),
        ..Fit::default()
    };
    let mut fit = Fit::default();
    let mut best = compile(&fit)?;
    let mut now = measure(&best);
    if std::env::var_os("HANDOUT_DEBUG_FIT").is_some() {
        eprintln!("fit start pages={} used={:?} column={column:.1}", now.pages, now.focus(true));
    }
    if now.pages != 2 {
        return Ok((best, fit));
    }
    // Grow type and spacing together (k from 0 to 1) while the panels are far from full,
    // guessing from how the fill changed so far, halving the range after an overflow.
    let (mut low, mut high) = ((0.0, now.fill(true, column)), None::<f64>);
    let mut slope = 0.9;
    for _ in 0..5 {
        let fill = now.fill(true, column);
        if fill >= FULL_ENOUGH || low.0 >= 1.0 {
            break;
        }
        let mut k = (low.0 + (TARGET_FILL - fill) / (slope * low.1.max(0.05))).clamp(low.0 + 0.05, 1.0);
        if let Some(high) = high {
            k = k.min((low.0 + high) / 2.0);
            if high - low.0 < 0.04 {
                break;
            }
        }
        let trial = grown(k);
        let document = compile(&trial)?;
        let result = measure(&document);
        if std::env::var_os("HANDOUT_DEBUG_FIT").is_some() {
            eprintln!("fit k={k:.3} pages={} used={:?} column={column:.1}", result.pages, result.focus(true));
        }
        if result.pages == 2 {
            let gained = result.fill(true, column) - low.1;
            slope = (gained / (k - low.0) / low.1.max(0.05)).max(0.1);
            low = (k, result.fill(true, column));
            (best, now, fit) = (document, result, trial);
        } else {
            high = Some(k);
        }
    }
    // Balance: shorten the columns to a third of the text, plus room for what a column break
    // cannot split, until the three end level.
    let line = geometry.body * fit.scale * 1.5 * fit.spacing;
    if now.spread(true) > 2.0 * line {
        let mut height = now.focus(true).iter().sum::<f64>() / 3.0 + line;
        for _ in 0..4 {
            if height >= column {
                break;
            }
            let trial = Fit { column_height: Some(height), ..fit.clone() };
            let document = compile(&trial)?;
            if measure(&document).pages == 2 {
                (best, fit) = (document, trial);
                break;
            }
            height += 1.5 * line;
        }
    }
    Ok((best, fit))
}

/// Fits a page layout: a figure that moved on whole and left a page with a gap shrinks to fill
/// the gap; a short last page is pulled back with tighter spacing when that removes it; the
/// columns of the last page are balanced.
pub fn fit_pages<D, E>(
    geometry: &Geometry,
    mut compile: impl FnMut(&Fit) -> Result<D, E>,
    measure: impl Fn(&D) -> Measured,
) -> Result<(D, Fit), E> {
    let column = geometry.column_height();
    let mut fit = Fit::default();
    let mut best = compile(&fit)?;
    let mut now = measure(&best);
    for _ in 0..3 {
        let Some((label, room)) = figure_after_gap(&now, column, geometry.body) else { break };
        let mut trial = fit.clone();
        trial.figures.insert(label, room);
        let document = compile(&trial)?;
        let result = measure(&document);
        if result.pages > now.pages {
            break;
        }
        (best, now, fit) = (document, result, trial);
    }
    if now.pages > 1 && now.fill(false, column) < SHORT_LAST_PAGE {
        let trial = Fit { spacing: TIGHT_SPACING, ..fit.clone() };
        let document = compile(&trial)?;
        let result = measure(&document);
        if result.pages < now.pages {
            (best, now, fit) = (document, result, trial);
        }
    }
    let last = now.focus(false).to_vec();
    if last.len() < 2 || now.spread(false) < 3.0 * geometry.body * 1.5 {
        return Ok((best, fit));
    }
    // A column break before the block nearest the middle of the last page's text.
    let half = last.iter().sum::<f64>() / last.len() as f64;
    let nearest = now
        .markers
        .iter()
        .filter(|m| m.page + 1 == now.pages && m.column == 0 && m.y > 0.0 && m.label.starts_with("blk-"))
        .min_by(|a, b| (a.y - half).abs().total_cmp(&(b.y - half).abs()));
    if let Some(marker) = nearest {
        let trial = Fit { breaks: vec![marker.label.clone()], ..fit.clone() };
        let document = compile(&trial)?;
        let result = measure(&document);
        if result.pages == now.pages && result.spread(false) < now.spread(false) {
            (best, fit) = (document, trial);
        }
    }
    Ok((best, fit))
}

/// The first figure that starts a page (under at most its heading) after a page whose single
/// column ends with a gap of more than a fifth of it, and the height it may take to fill it.
fn figure_after_gap(measured: &Measured, column: f64, body: f64) -> Option<(String, f64)> {
    for marker in measured.markers.iter().filter(|m| m.label.starts_with("fig-") && m.page > 0) {
        let previous = measured.used.get(marker.page - 1)?;
        if previous.len() != 1 || marker.y > 4.0 * body {
            continue;
        }
        let gap = column - previous[0];
        if gap > column / 5.0 {
            // The template takes the figure's heading and spacing from this.
            return Some((marker.label.clone(), gap - marker.y.max(0.0) - body));
        }
    }
    None
}

/// Which page each `sec-ID` label is on (1-based), for messages about what does not fit.
pub fn page_of_label(document: &PagedDocument, label: &str) -> Option<usize> {
    let introspector = document.introspector();
    let label = Label::new(typst::utils::PicoStr::intern(label))?;
    let element = introspector.query_label(label).ok()?;
    introspector.position(element.location()?).map(|p| p.page.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Direction;
    use crate::render::pdf::options::{Layout, Options as PdfOptions};

    /// A stand-in for Typst: text of `height` points that grows with the square of the type
    /// and with the spacing, and fills columns of the given height in turn.
    fn layout(height: f64, geometry: &Geometry, fit: &Fit) -> Measured {
        let column = fit.column_height.unwrap_or(geometry.column_height());
        let height = height * fit.scale * fit.scale * (0.6 + 0.4 * fit.spacing);
        let inside = (0..3).map(|i| (height - f64::from(i) * column).clamp(0.0, column)).collect();
        Measured {
            pages: if height <= 3.0 * column { 2 } else { 3 },
            used: vec![Vec::new(), inside],
            ..Measured::default()
        }
    }

    fn trifold() -> Geometry {
        Geometry::new(&PdfOptions { layout: Layout::Trifold, ..Default::default() }, Direction::Ltr)
    }

    #[test]
    fn short_text_grows_and_then_balances() {
        let geometry = trifold();
        let column = geometry.column_height();
        let (result, fit) =
            fit_trifold(&geometry, |fit| Ok::<_, ()>(layout(column * 1.5, &geometry, fit)), Measured::clone).unwrap();
        assert!(fit.spacing > 1.3, "{fit:?}");
        assert_eq!(result.pages, 2);
        assert!(result.spread(true) < 0.2 * column, "{:?}", result.used);
    }

    #[test]
    fn text_that_overflows_is_returned_as_laid_out() {
        let geometry = trifold();
        let column = geometry.column_height();
        let (result, fit) =
            fit_trifold(&geometry, |fit| Ok::<_, ()>(layout(column * 4.0, &geometry, fit)), Measured::clone).unwrap();
        assert_eq!(result.pages, 3);
        assert_eq!(fit, Fit::default());
    }
}
