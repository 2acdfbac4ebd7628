//! The database helpers' promises, checked against the migrated schema on the backend the suite
//! runs on: every unique key the service recognises by name exists under that name (PostgreSQL)
//! and on exactly those columns (SQLite names columns, not indexes), and a violation is
//! recognised as that key, never by reading the error's text.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, Statement,
};
use zhucan::db::{UniqueKey, unique_violation};

use crate::helpers::spawn_app;

#[tokio::test]
async fn every_unique_key_the_service_names_is_in_the_schema() {
    let app = spawn_app().await;
    let db = &app.state.db;
    for key in UniqueKey::ALL {
        let (table, columns) = key.table_and_columns();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                let row = db
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT indexdef FROM pg_indexes \
                         WHERE schemaname = current_schema() AND indexname = $1",
                        [key.name().into()],
                    ))
                    .await
                    .unwrap()
                    .unwrap_or_else(|| panic!("{key:?}: no index named {}", key.name()));
                let definition: String = row.try_get("", "indexdef").unwrap();
                assert!(definition.contains("UNIQUE"), "{key:?}: {definition}");
                assert!(
                    definition.contains(&format!(".{table} ")),
                    "{key:?}: {definition}"
                );
                assert!(
                    definition.contains(&format!("({})", columns.join(", "))),
                    "{key:?}: {definition}"
                );
            }
            backend => {
                let indexes = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("PRAGMA index_list('{table}')"),
                    ))
                    .await
                    .unwrap();
                let mut found = false;
                for index in indexes {
                    let unique: i64 = index.try_get("", "unique").unwrap();
                    let name: String = index.try_get("", "name").unwrap();
                    if unique == 0 {
                        continue;
                    }
                    let info = db
                        .query_all_raw(Statement::from_string(
                            backend,
                            format!("PRAGMA index_info('{name}')"),
                        ))
                        .await
                        .unwrap();
                    let indexed: Vec<String> = info
                        .iter()
                        .map(|c| c.try_get::<String>("", "name").unwrap())
                        .collect();
                    if indexed == columns {
                        found = true;
                    }
                }
                assert!(found, "{key:?}: no unique index on {table}{columns:?}");
            }
        }
    }
}

#[tokio::test]
async fn a_violated_unique_key_is_recognised_as_that_key() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let street = entity::street::Entity::find()
        .one(db)
        .await
        .unwrap()
        .expect("the demo city has streets");
    let twin = entity::street::ActiveModel {
        district_code: Set(street.district_code.clone()),
        name: Set(street.name.clone()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect_err("a street name is unique within its district");
    assert_eq!(unique_violation(&twin), Some(UniqueKey::StreetName));

    let admin = entity::account::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.username.as_deref() == Some("admin"))
        .unwrap();
    let taken = entity::account::ActiveModel {
        role: Set(admin.role),
        display_name: Set("另一个管理员".into()),
        username: Set(admin.username.clone()),
        active: Set(true),
        failed_logins: Set(0),
        created_at: Set(admin.created_at),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect_err("usernames are unique");
    assert_eq!(unique_violation(&taken), Some(UniqueKey::AccountUsername));

    // Not a unique violation at all: a foreign key (no such district).
    let orphan = entity::street::ActiveModel {
        district_code: Set("999999".into()),
        name: Set("无处街道".into()),
        ..Default::default()
    }
    .insert(db)
    .await;
    if let Err(err) = orphan {
        assert_eq!(unique_violation(&err), None);
    }
}
