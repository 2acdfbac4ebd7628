//! Menus: a meal point's dishes and its offerings (a dish on a date and slot with portions).

pub mod rules;
