SITEGEN_SEARCH_CHUNK("w/61-6e",{"an":"3","anchor":"2","anchors":"2","and":"0.3","annotated":"3"});
