//! Pagination, the same everywhere: query parameters `page` (1-based, default 1, at most
//! [`MAX_PAGE`]) and `page_size` (default 20, at most 100); replies `{items, total, page,
//! page_size}`.

use poem_openapi::{
    Object,
    types::{ParseFromJSON, ToJSON},
};

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;
/// The last page anyone may ask for. With 100 to a page that is ten million rows in, far past
/// any list the service holds, and the offset stays far inside what SQLite and PostgreSQL take
/// (a signed 64-bit number): `page=18446744073709551615` is a 400, not an overflow.
pub const MAX_PAGE: u64 = 100_000;

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based.
    pub page: u64,
    pub page_size: u64,
}

impl PageRequest {
    /// From the optional query parameters; a page outside 1..=[`MAX_PAGE`] or a size outside
    /// 1..=100 is refused with the parameter named.
    pub fn new(page: Option<u64>, page_size: Option<u64>) -> AppResult<Self> {
        let page = page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(AppError::invalid(
                "page",
                "PAGE_INVALID",
                format!("页码须在 1 到 {MAX_PAGE} 之间"),
            ));
        }
        let page_size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(AppError::invalid(
                "page_size",
                "PAGE_SIZE_INVALID",
                format!("每页条数须在 1 到 {MAX_PAGE_SIZE} 之间"),
            ));
        }
        Ok(Self { page, page_size })
    }

    /// The 0-based page index sea-orm's paginator takes.
    pub fn index(self) -> u64 {
        self.page - 1
    }

    /// Rows to skip.
    pub fn offset(self) -> u64 {
        (self.page - 1).saturating_mul(self.page_size)
    }

    /// This page's share of a list already held in memory.
    pub fn slice<T>(self, items: Vec<T>) -> Vec<T> {
        let offset = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        let size = usize::try_from(self.page_size).unwrap_or(usize::MAX);
        items.into_iter().skip(offset).take(size).collect()
    }
}

/// One page of a list.
#[derive(Object)]
pub struct Page<T: ParseFromJSON + ToJSON> {
    pub items: Vec<T>,
    /// How many items all pages hold together.
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

impl<T: ParseFromJSON + ToJSON> Page<T> {
    pub fn new(items: Vec<T>, total: u64, request: PageRequest) -> Self {
        Self {
            items,
            total,
            page: request.page,
            page_size: request.page_size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_bounds_and_offsets() {
        let default = PageRequest::new(None, None).unwrap();
        assert_eq!(
            (default.page, default.page_size, default.offset()),
            (1, 20, 0)
        );
        assert_eq!(PageRequest::new(Some(3), Some(10)).unwrap().offset(), 20);
        for bad in [0, MAX_PAGE + 1, u64::MAX] {
            let err = PageRequest::new(Some(bad), None).unwrap_err();
            assert_eq!(
                (err.code, err.field.as_deref()),
                ("PAGE_INVALID", Some("page"))
            );
        }
        let last = PageRequest::new(Some(MAX_PAGE), Some(MAX_PAGE_SIZE)).unwrap();
        assert!(i64::try_from(last.offset()).is_ok());
        for bad in [0, 101] {
            let err = PageRequest::new(None, Some(bad)).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("page_size"));
        }
        let page = PageRequest::new(Some(2), Some(2)).unwrap();
        assert_eq!(page.slice(vec![1, 2, 3, 4, 5]), vec![3, 4]);
        assert!(
            PageRequest::new(Some(9), Some(2))
                .unwrap()
                .slice(vec![1])
                .is_empty()
        );
    }
}
