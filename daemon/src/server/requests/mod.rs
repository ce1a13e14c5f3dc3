//! Custom `gitinspector/*` requests, one module each.

mod blame;
mod blame_data;
mod cached_analysis;
mod code_lens;
mod engine_info;
mod execute_analysis;
mod execute_command;
mod health_check;
mod hover;
mod inlay_hint;
mod performance_stats;
mod settings;

use tower_lsp::LspServiceBuilder;

use super::Backend;

pub fn register(builder: LspServiceBuilder<Backend>) -> LspServiceBuilder<Backend> {
    builder
        .custom_method("gitinspector/healthCheck", Backend::health_check)
        .custom_method("gitinspector/getEngineInfo", Backend::get_engine_info)
        .custom_method("gitinspector/getSettings", Backend::get_settings)
        .custom_method("gitinspector/saveSettings", Backend::save_settings)
        .custom_method("gitinspector/executeAnalysis", Backend::execute_analysis)
        .custom_method("gitinspector/getBlameData", Backend::get_blame_data)
        .custom_method(
            "gitinspector/getPerformanceStats",
            Backend::get_performance_stats,
        )
        .custom_method("gitinspector/blame", Backend::blame)
        .custom_method("gitinspector/setBlocks", Backend::set_blocks)
}
