//! The city's places.

use crate::word;

word! {
    /// What kind of district (区/县级) a district is, as the city lists it.
    pub enum DistrictKind {
        /// 市辖区
        District = "district" => "市辖区",
        /// 县级市
        CountyLevelCity = "county-level city" => "县级市",
        /// 管理区: a management zone with no GB/T 2260 code of its own (常州经开区).
        ManagementZone = "management zone" => "管理区",
    }
}
