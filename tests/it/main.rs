//! One integration-test binary (linking typst once), driving the real `handout` binary on
//! real files and checking outputs with real tools.

mod util;

mod author;
mod check;
mod epub;
mod foundation;
mod hostile;
mod html;
mod languages;
mod pdf;
mod plain;
mod press;
mod print;
mod review;
mod series;
mod serve;
mod shard;
mod sms;
