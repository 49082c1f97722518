SITEGEN_SEARCH_CHUNK("w/64-6f",{"do":"1.2","documents":"0","does":"0.3"});
