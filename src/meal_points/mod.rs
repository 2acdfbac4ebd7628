//! Meal points (助餐点): the places elders eat or collect meals, their hours, service modes,
//! status and the labels the city gives them.

pub mod rules;
