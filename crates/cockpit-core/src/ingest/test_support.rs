//! Shared helpers of the ingestion tests: files on disk, a store with a two-turbine registry,
//! canonical SCADA lines.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ingest::ingest_file;
use crate::mapping::Mapping;
use crate::schema;
use crate::store::Store;

/// A registry of two turbines at Lyon.
const REGISTRY: &str =
    "turbine_id,site,model,rated_power_kw,latitude,longitude,commissioning_date\n\
    T1,Lyon,SWT-2.3-93,2300,45.7,4.9,2015-03-01\n\
    T2,Lyon,SWT-2.3-93,2300,45.71,4.91,2015-03-01\n";

/// Writes `body` to `dir/name` and returns the path.
pub(crate) fn write(dir: &Path, name: &str, body: &[u8]) -> PathBuf {
    let p = dir.join(name);
    let mut f = File::create(&p).unwrap();
    f.write_all(body).unwrap();
    p
}

/// A temporary folder and an in-memory store holding turbines T1 and T2.
pub(crate) fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let reg = write(dir.path(), "turbines.csv", REGISTRY.as_bytes());
    let r = ingest_file(&mut store, &reg, &Mapping::canonical()).unwrap();
    assert_eq!(r.accepted, 2);
    (dir, store)
}

/// The canonical SCADA header line.
pub(crate) fn scada_header() -> String {
    schema::scada_columns().join(",")
}

/// A canonical SCADA line with the given timestamp, turbine, wind speed and power (status running).
pub(crate) fn scada_row(ts: &str, id: &str, wind: &str, power: &str) -> String {
    let mut fields = vec![
        ts.to_string(),
        id.to_string(),
        wind.to_string(),
        String::new(),
        power.to_string(),
    ];
    fields.resize(schema::scada_columns().len() - 1, String::new());
    fields.push("running".into());
    fields.join(",")
}
