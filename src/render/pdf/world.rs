//! The one door through which Typst reads anything: the template, the handout's data, the
//! images it names and the fonts. Nothing else on disk is reachable from a template.

use std::collections::HashMap;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

/// Fonts and the standard library, shared by every render in a process.
pub struct Engine {
    pub library: LazyHash<Library>,
    pub book: LazyHash<FontBook>,
    pub fonts: Vec<Font>,
}

impl Engine {
    pub fn new(font_files: &[crate::fonts::FontFile]) -> Engine {
        use typst::LibraryExt;
        let fonts: Vec<Font> = font_files.iter().flat_map(|f| Font::iter(Bytes::new(f.bytes.clone()))).collect();
        Engine {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    }
}

/// One render's world: the engine plus this handout's files.
pub struct HandoutWorld {
    engine: std::sync::Arc<Engine>,
    main: FileId,
    source: Source,
    files: HashMap<FileId, Bytes>,
    today: Option<Datetime>,
}

/// The id of a path at the project root of the virtual file system, e.g. `/data.json`.
pub fn file_id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("handout's own virtual paths are valid"))
        .intern()
}

impl HandoutWorld {
    pub fn new(
        engine: std::sync::Arc<Engine>,
        template: String,
        files: Vec<(String, Vec<u8>)>,
        today: crate::model::Date,
    ) -> Self {
        let main = file_id("/handout.typ");
        HandoutWorld {
            engine,
            main,
            source: Source::new(main, template),
            files: files.into_iter().map(|(path, bytes)| (file_id(&path), Bytes::new(bytes))).collect(),
            today: Datetime::from_ymd(today.year, today.month, today.day),
        }
    }
}

impl HandoutWorld {
    /// Replaces one file, e.g. the data for the next compile of a tri-fold being fitted.
    pub fn set_file(&mut self, path: &str, bytes: Vec<u8>) {
        self.files.insert(file_id(path), Bytes::new(bytes));
    }
}

impl HandoutWorld {
    /// Writes the template and the files it reads into `dir`, as a Typst project that the
    /// `typst` command compiles to the same pages (`typst compile --font-path fonts
    /// DIR/handout.typ`): the floor the benchmarks compare with (BENCHMARKS.md).
    pub fn write_project(&self, dir: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("handout.typ"), self.source.text())?;
        for (id, bytes) in &self.files {
            let path = dir.join(id.vpath().get_without_slash());
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes.as_slice())?;
        }
        Ok(())
    }
}

impl World for HandoutWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main { Ok(self.source.clone()) } else { Err(FileError::NotSource) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id.root() != &VirtualRoot::Project {
            return Err(FileError::AccessDenied);
        }
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}
