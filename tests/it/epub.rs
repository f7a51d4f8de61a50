//! epub tests.
