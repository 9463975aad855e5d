//! Catalog CSV imports from any bytes: reading never panics, every product it keeps passes
//! the catalog's rules, and every refused one is reported.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shoptalk_core::service::{ImportPlan, ImportSource};
use shoptalk_types::ids::WorkspaceId;

fuzz_target!(|data: &[u8]| {
    if let Ok(plan) = ImportPlan::read(WorkspaceId::new(), ImportSource::Csv(data)) {
        assert!(plan.errors().len() >= plan.failed() as usize);
        // The header is row 1: every problem is on a record after it.
        assert!(
            plan.errors()
                .iter()
                .all(|e| e.row >= 2 && !e.field.is_empty())
        );
        for product in plan.products() {
            assert!(!product.variants.is_empty() && product.external_id.is_some());
        }
    }
});
