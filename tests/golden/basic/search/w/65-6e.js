SITEGEN_SEARCH_CHUNK("w/65-6e",{"encoders":"0","entity":"0.1"});
