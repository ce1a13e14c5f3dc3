//! Requests, standard and custom, one module each (see api.rs for which is which).

mod blame;
mod blame_data;
mod cached_analysis;
mod code_lens;
mod engine_info;
mod execute_analysis;
mod execute_command;
mod health_check;
mod history;
mod hover;
mod inlay_hint;
mod performance_stats;
mod render_report;
mod settings;
mod show_commit;
