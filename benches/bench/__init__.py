"""The modules of `benches/run`: measuring (`measure`), inputs (`inputs`), the Markdown of the
peer pipeline (`markdown`), the cases and budget (`cases`) and the settings (`config`)."""
