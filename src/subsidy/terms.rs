//! The words subsidy policies are written in. They are the service's shared vocabulary (the
//! `vocabulary` crate: each defined once, with its stored value and Chinese label); a policy file
//! names them by the same values the database and the API use.

pub use vocabulary::{
    CrossDistrictStandard, ElderCategory as Category, FunderLevel, ServiceMode, Slot,
};
