//! pdf tests.
