//! Pages of a list: `page` (1-based, default 1) and `page_size` (default 20, at most 100).

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// A checked page request. `page` counts from 1, as the reply does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub page_size: u64,
}

impl PageRequest {
    /// Checks the two query parameters, naming the one at fault.
    pub fn from_query(page: Option<u64>, page_size: Option<u64>) -> AppResult<Self> {
        let page = page.unwrap_or(1);
        if page == 0 {
            return Err(AppError::invalid("page", "PAGE_INVALID", "页码从 1 开始"));
        }
        let page_size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(AppError::invalid(
                "page_size",
                "PAGE_SIZE_INVALID",
                format!("每页条数需为 1 到 {MAX_PAGE_SIZE}"),
            ));
        }
        Ok(Self { page, page_size })
    }

    /// The 0-based page index sea-orm's paginator takes.
    pub fn index(self) -> u64 {
        self.page - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_limits() {
        assert_eq!(
            PageRequest::from_query(None, None).unwrap(),
            PageRequest {
                page: 1,
                page_size: 20
            }
        );
        assert_eq!(
            PageRequest::from_query(Some(3), Some(100)).unwrap().index(),
            2
        );
        let zero = PageRequest::from_query(Some(0), None).unwrap_err();
        assert_eq!(zero.field.as_deref(), Some("page"));
        for size in [0, 101] {
            let err = PageRequest::from_query(None, Some(size)).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("page_size"));
        }
    }
}
