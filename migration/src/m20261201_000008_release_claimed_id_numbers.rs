//! Two changes to elder records that were already stored:
//!
//! - a self-registration waiting for review no longer holds its ID-card number's look-up hash
//!   (the unique key), so a pending claim cannot keep staff from registering the real person;
//!   the hash is set when a clerk approves the claim;
//! - the masked number keeps the first four and the last two characters
//!   (`3204************2X`): with the last four beside the birth date, only two digits were left
//!   to guess.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE elder SET id_card_lookup = NULL WHERE status = 'pending_review'",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE elder SET id_card_masked = \
             substr(id_card_masked, 1, 4) || '************' || substr(id_card_masked, 17, 2) \
             WHERE length(id_card_masked) = 18",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The hidden characters are not stored in the clear: a masked form cannot be widened.
        Ok(())
    }
}
