SITEGEN_SEARCH_CHUNK("w/65-6e",{"encoders":"3","entity":"2.1"});
